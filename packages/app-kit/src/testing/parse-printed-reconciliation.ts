/** One token row of the drift table an app prints at the end of its run. */
export interface PrintedDriftRow {
  day: string;
  model: string;
  tier: string;
  metric: 'input' | 'cached' | 'cache_write' | 'cache_write_1h' | 'output';
  metered: number;
  /** The provider's own figure (the column its name heads: `openai`, `anthropic`). */
  reported: number;
  difference: number;
  percent: string;
  /** Marked `!`: past the threshold. */
  drifts: boolean;
  /** Marked `~`: known drift, within estimates the provider cannot settle. */
  knownDrift: boolean;
  estimated: number;
  settled: number;
}

/** The reconciliation an app printed: its token rows, cost row and verdict. */
export interface PrintedReconciliation {
  rows: PrintedDriftRow[];
  cost:
    | {
        metered: string;
        reported: string;
        difference: string;
        drifts: boolean;
        knownDrift: boolean;
      }
    | undefined;
  verdict: string;
}

const tokenRow =
  /^(\d{4}-\d{2}-\d{2}) +(\S+) +(\S+) +(input|cached|cache_write|cache_write_1h|output) +(\d+) +(\d+) +([+-]?\d+) +(\S+)( +[!~])?(?: +(\d+))?(?: +([+-]\d+))?$/;
const costRow = /^\d{4}-\d{2}-\d{2} +\* +\* +cost_usd +(\S+) +(\S+) +(\S+) +\S+( +[!~])?$/;

/**
 * Reads one reconciliation section (`Reconciliation of ...`) out of an app's output: the drift
 * table by model and served tier, the cost row and the verdict line. `provider`: the section
 * whose header names it (`Anthropic`); default the first section (OpenAI's). Undefined when there
 * is none.
 */
export function parsePrintedReconciliation(
  stdout: string,
  options: { provider?: string | undefined } = {},
): PrintedReconciliation | undefined {
  const sections = stdout.split('\nReconciliation of ').slice(1);
  const section =
    options.provider === undefined
      ? sections[0]
      : sections.find((text) => (text.split('\n')[0] ?? '').includes(options.provider as string));
  if (section === undefined) return undefined;
  const lines = section.split('\n');
  const rows: PrintedDriftRow[] = [];
  let cost: PrintedReconciliation['cost'];
  for (const line of lines) {
    const token = tokenRow.exec(line);
    if (token) {
      rows.push({
        day: token[1] as string,
        model: token[2] as string,
        tier: token[3] as string,
        metric: token[4] as PrintedDriftRow['metric'],
        metered: Number(token[5]),
        reported: Number(token[6]),
        difference: Number(token[7]),
        percent: token[8] as string,
        drifts: token[9]?.trim() === '!',
        knownDrift: token[9]?.trim() === '~',
        estimated: Number(token[10] ?? 0),
        settled: Number(token[11] ?? 0),
      });
      continue;
    }
    const money = costRow.exec(line);
    if (money) {
      cost = {
        metered: money[1] as string,
        reported: money[2] as string,
        difference: money[3] as string,
        drifts: money[4]?.trim() === '!',
        knownDrift: money[4]?.trim() === '~',
      };
    }
  }
  const verdict = lines.find((line) => /^(No drift past|\d+ row\(s\) drift past)/.test(line)) ?? '';
  return { rows, cost, verdict };
}
