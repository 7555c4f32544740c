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
  /**
   * Of `prompt_tokens`, those written to the prompt cache (Anthropic), priced at the cache-write
   * rate. Undefined when the OpenMeter has no `llm_cache_write_tokens` meter: they are then
   * priced as input.
   */
  cache_write_tokens?: number | undefined;
  /**
   * Of `cache_write_tokens`, those kept 1 hour (Anthropic's `ttl: "1h"`), priced at the 1-hour
   * rate. Undefined when the OpenMeter has no `llm_cache_write_1h_tokens` meter: every cache
   * write is then priced at the 5-minute rate.
   */
  cache_write_1h_tokens?: number | undefined;
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

const allColumns = [
  'day',
  'subject',
  'model',
  'tier',
  'input',
  'cached',
  'cache_write',
  'cache_write_1h',
  'output',
  'total',
  'cost',
] as const;
const firstNumberColumn = allColumns.indexOf('input');

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
  // A cache-write column shows when its meter exists (every row then carries the count).
  const cacheWrites = rows.some((row) => row.cache_write_tokens !== undefined);
  const cacheWrites1h = rows.some((row) => row.cache_write_1h_tokens !== undefined);
  const columns = allColumns.filter(
    (column) =>
      (column !== 'cache_write' || cacheWrites) && (column !== 'cache_write_1h' || cacheWrites1h),
  );
  const sum = (key: keyof UsageTableTokens | 'cache_write_tokens' | 'cache_write_1h_tokens') =>
    String(rows.reduce((total, row) => total + (row[key] ?? 0), 0));
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
      ...(cacheWrites ? [String(row.cache_write_tokens ?? 0)] : []),
      ...(cacheWrites1h ? [String(row.cache_write_1h_tokens ?? 0)] : []),
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
      ...(cacheWrites ? [sum('cache_write_tokens')] : []),
      ...(cacheWrites1h ? [sum('cache_write_1h_tokens')] : []),
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
  if (!cacheWrites && rows.some((row) => row.provider === 'anthropic')) {
    lines.push(
      'cache writes: not metered apart (no llm_cache_write_tokens meter), so Claude cache writes are priced as input, below their rate: create the meter (see the README, "Meters to create")',
    );
  }
  if (
    cacheWrites &&
    !cacheWrites1h &&
    rows.some((row) => row.provider === 'anthropic' && (row.cache_write_tokens ?? 0) > 0)
  ) {
    lines.push(
      '1-hour cache writes: not metered apart (no llm_cache_write_1h_tokens meter), so every Claude cache write is priced at the 5-minute rate, below the 1-hour one: create the meter (see the README, "Meters to create")',
    );
  }
  lines.push(describePrices());
  return lines.join('\n');
}
