import type { UsageRecord } from '@llm-meter/meter-core';
import {
  describePrices,
  type PricedUsageRow,
  priceUsageRow,
  totalUsageCost,
} from '@llm-meter/prices';

/** The usage record's fields the usage table sums (one shipped meter each). */
export type UsageTableTokens = Pick<
  UsageRecord,
  'prompt_tokens' | 'cached_tokens' | 'completion_tokens' | 'total_tokens'
>;

/** One row of the usage table: a subject's tokens on one model and served tier (and day). */
export interface UsageTableRow extends UsageTableTokens {
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
    usage: row,
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
  const sum = (key: keyof UsageTableTokens) =>
    String(rows.reduce((total, row) => total + row[key], 0));
  const priced = rows.map(priceUsageTableRow);
  const cells = [
    [...columns],
    ...rows.map((row, index) => [
      row.day,
      row.subject,
      row.model,
      row.serviceTier ?? '-',
      String(row.prompt_tokens),
      String(row.cached_tokens),
      String(row.completion_tokens),
      String(row.total_tokens),
      priced[index]?.cell ?? '',
    ]),
    [
      '',
      'all',
      '',
      '',
      sum('prompt_tokens'),
      sum('cached_tokens'),
      sum('completion_tokens'),
      sum('total_tokens'),
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
