/** One row of the usage and cost table an app prints after its run. */
export interface PrintedUsageTableRow {
  day: string;
  subject: string;
  model: string;
  tier: string;
  input: number;
  cached: number;
  /** The cache_write column, when the table has one (else 0). */
  cacheWrite: number;
  output: number;
  total: number;
  /** `$0.000123`, or `unpriced (reason)`. */
  cost: string;
}

// Four token columns (input, cached, output, total), or five with cache_write after cached.
const row =
  /^(\d{4}-\d{2}-\d{2}) +(\S+) +(\S+) +(\S+) +((?:\d+ +){3,4}\d+) +(\$\d+\.\d+|unpriced \([^)]+\))$/;

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
    const numbers = (match[5] as string).split(/ +/).map(Number);
    const [input, cached, ...rest] = numbers as [number, number, ...number[]];
    const [cacheWrite, output, total] = (rest.length === 3 ? rest : [0, ...rest]) as [
      number,
      number,
      number,
    ];
    rows.push({
      day: match[1] as string,
      subject: match[2] as string,
      model: match[3] as string,
      tier: match[4] as string,
      input,
      cached,
      cacheWrite,
      output,
      total,
      cost: match[6] as string,
    });
  }
  return { rows, prices: undefined };
}
