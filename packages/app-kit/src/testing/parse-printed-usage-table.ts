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
  /** The cache_write_1h column (of cache_write, the 1-hour writes), when the table has one (else 0). */
  cacheWrite1h: number;
  output: number;
  total: number;
  /** `$0.000123`, or `unpriced (reason)`. */
  cost: string;
}

// Four to six token columns (input, cached, [cache_write, [cache_write_1h]], output, total),
// named by the header line.
const row =
  /^(\d{4}-\d{2}-\d{2}) +(\S+) +(\S+) +(\S+) +((?:\d+ +){3,5}\d+) +(\$\d+\.\d+|unpriced \([^)]+\))$/;
const header = /^day +subject +model +tier +(.+?) +cost$/;

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
  let tokenColumns: string[] = [];
  for (const line of stdout.slice(start + 1).split('\n')) {
    if (line.startsWith('prices: ')) return { rows, prices: line };
    const names = header.exec(line);
    if (names) tokenColumns = (names[1] as string).split(/ +/);
    const match = row.exec(line);
    if (!match) continue;
    const numbers = (match[5] as string).split(/ +/).map(Number);
    if (numbers.length !== tokenColumns.length) {
      throw new Error(`usage table row ${JSON.stringify(line)} does not fit its header`);
    }
    const cell = (name: string) => {
      const index = tokenColumns.indexOf(name);
      return index < 0 ? 0 : (numbers[index] as number);
    };
    rows.push({
      day: match[1] as string,
      subject: match[2] as string,
      model: match[3] as string,
      tier: match[4] as string,
      input: cell('input'),
      cached: cell('cached'),
      cacheWrite: cell('cache_write'),
      cacheWrite1h: cell('cache_write_1h'),
      output: cell('output'),
      total: cell('total'),
      cost: match[6] as string,
    });
  }
  return { rows, prices: undefined };
}
