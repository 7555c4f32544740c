import {
  describePrices,
  type PricedUsageRow,
  priceUsageRow,
  totalUsageCost,
} from '@llm-meter/prices';

/** One row of the usage table: a subject's tokens on one model and served tier (and day). */
export interface UsageTableRow {
  day: string;
  subject: string;
  model: string;
  /**
   * The tier that served the requests (`default`, `flex`, `priority`, ...). Undefined when the
   * meters carry no `service_tier` dimension, or for events written before they did: priced at
   * `default`.
   */
  serviceTier?: string | undefined;
  /** `openai`, or the provider an OpenAI-compatible server was metered as; undefined: `openai`. */
  provider?: string | undefined;
  input: number;
  cached: number;
  output: number;
  total: number;
}

const columns = [
  'day',
  'subject',
  'model',
  'tier',
  'input',
  'cached',
  'output',
  'total',
  'cost',
] as const;
const firstNumberColumn = columns.indexOf('input');

/**
 * Prices one table row at the served tier's rates of its day (`@llm-meter/prices`). A model or
 * tier without a price is `unpriced (reason)`, never $0.
 */
export function priceUsageTableRow(row: UsageTableRow): PricedUsageRow {
  const priced = priceUsageRow({
    day: row.day,
    model: row.model,
    serviceTier: row.serviceTier,
    provider: row.provider,
    usage: {
      prompt_tokens: row.input,
      cached_tokens: row.cached,
      completion_tokens: row.output,
    },
  });
  return priced.price.status === 'priced'
    ? priced
    : { ...priced, cell: `unpriced (${priced.price.reason.replaceAll('_', ' ')})` };
}

/**
 * Renders rows as an aligned text table (numbers right-aligned) with the cost of each row, a
 * totals line, and a last line naming the prices used (genai-prices release, tier table date).
 */
export function formatUsageTable(rows: readonly UsageTableRow[]): string {
  if (rows.length === 0) return '(no usage recorded)';
  const sum = (key: 'input' | 'cached' | 'output' | 'total') =>
    String(rows.reduce((total, row) => total + row[key], 0));
  const priced = rows.map(priceUsageTableRow);
  const cells = [
    [...columns],
    ...rows.map((row, index) => [
      row.day,
      row.subject,
      row.model,
      row.serviceTier ?? '-',
      String(row.input),
      String(row.cached),
      String(row.output),
      String(row.total),
      priced[index]?.cell ?? '',
    ]),
    [
      '',
      'all',
      '',
      '',
      sum('input'),
      sum('cached'),
      sum('output'),
      sum('total'),
      totalUsageCost(priced).cell,
    ],
  ];
  const widths = columns.map((_, index) =>
    Math.max(...cells.map((line) => line[index]?.length ?? 0)),
  );
  const render = (line: string[]) =>
    line
      .map((cell, index) =>
        index >= firstNumberColumn
          ? cell.padStart(widths[index] ?? 0)
          : cell.padEnd(widths[index] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  const [header, ...body] = cells;
  const totals = body.pop() ?? [];
  const lines = [render(header ?? []), rule, ...body.map(render), rule, render(totals)];
  if (rows.some((row) => row.serviceTier === undefined)) {
    lines.push('tier -: not metered (events without service_tier), priced at default');
  }
  lines.push(describePrices());
  return lines.join('\n');
}
