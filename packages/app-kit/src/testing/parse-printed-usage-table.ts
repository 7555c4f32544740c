/** One row of the usage and cost table an app prints after its run. */
export interface PrintedUsageTableRow {
  day: string;
  subject: string;
  model: string;
  tier: string;
  input: number;
  cached: number;
  output: number;
  total: number;
  /** `$0.000123`, or `unpriced (reason)`. */
  cost: string;
}

const row =
  /^(\d{4}-\d{2}-\d{2}) +(\S+) +(\S+) +(\S+) +(\d+) +(\d+) +(\d+) +(\d+) +(\$\d+\.\d+|unpriced \([^)]+\))$/;

/**
 * Reads the usage table (`Usage and cost by ...`, up to the prices line) out of an app's output,
 * and the prices line under it.
 */
export function parsePrintedUsageTable(stdout: string): {
  rows: PrintedUsageTableRow[];
  prices: string | undefined;
} {
  const start = stdout.indexOf('\nUsage and cost by ');
  if (start < 0) return { rows: [], prices: undefined };
  const rows: PrintedUsageTableRow[] = [];
  for (const line of stdout.slice(start + 1).split('\n')) {
    if (line.startsWith('prices: ')) return { rows, prices: line };
    const match = row.exec(line);
    if (!match) continue;
    rows.push({
      day: match[1] as string,
      subject: match[2] as string,
      model: match[3] as string,
      tier: match[4] as string,
      input: Number(match[5]),
      cached: Number(match[6]),
      output: Number(match[7]),
      total: Number(match[8]),
      cost: match[9] as string,
    });
  }
  return { rows, prices: undefined };
}
