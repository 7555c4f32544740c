import { priceUsageTableRow, type UsageTableRow } from '@llm-meter/app-kit';
import { describePrices, genaiPricesVersion, totalUsageCost } from '@llm-meter/prices';

/** One row of `pnpm usage --json` / `--csv`: the table's row with its price, wire field names. */
export interface UsageReportRow {
  day: string;
  subject: string;
  model: string;
  /** Null: the meters carry no `service_tier` for these events (priced at `default`). */
  service_tier: string | null;
  provider: string | null;
  prompt_tokens: number;
  cached_tokens: number;
  /** Null when the OpenMeter has no `llm_cache_write_tokens` meter (writes then not apart). */
  cache_write_tokens: number | null;
  /** Of those, the 1-hour writes; null without the `llm_cache_write_1h_tokens` meter. */
  cache_write_1h_tokens: number | null;
  completion_tokens: number;
  total_tokens: number;
  /** Null when unpriced (never 0 for an unknown price): `unpriced_reason` says why. */
  cost_usd: number | null;
  unpriced_reason: string | null;
}

/** The rows of the usage table with their prices, as `--json` and `--csv` give them. */
export function convertUsageReportRows(rows: readonly UsageTableRow[]): UsageReportRow[] {
  return rows.map((row) => {
    const priced = priceUsageTableRow(row);
    return {
      day: row.day,
      subject: row.subject,
      model: row.model,
      service_tier: row.serviceTier ?? null,
      provider: row.provider ?? null,
      prompt_tokens: row.prompt_tokens,
      cached_tokens: row.cached_tokens,
      cache_write_tokens: row.cache_write_tokens ?? null,
      cache_write_1h_tokens: row.cache_write_1h_tokens ?? null,
      completion_tokens: row.completion_tokens,
      total_tokens: row.total_tokens,
      cost_usd: priced.usd ?? null,
      unpriced_reason: priced.price.status === 'priced' ? null : priced.price.reason,
    };
  });
}

/**
 * The `--json` document: the priced rows, their totals (cost over the priced rows, with the
 * number of unpriced ones) and the prices used.
 */
export function formatUsageJson({
  rows,
  from,
  to,
}: {
  rows: readonly UsageTableRow[];
  from: string | undefined;
  to: string | undefined;
}): string {
  const total = totalUsageCost(rows.map(priceUsageTableRow));
  const sum = (key: 'prompt_tokens' | 'cached_tokens' | 'completion_tokens' | 'total_tokens') =>
    rows.reduce((value, row) => value + row[key], 0);
  // Null when the meter is missing (the column is not metered), not 0.
  const sumOptional = (key: 'cache_write_tokens' | 'cache_write_1h_tokens') =>
    rows.some((row) => row[key] !== undefined)
      ? rows.reduce((value, row) => value + (row[key] ?? 0), 0)
      : null;
  return JSON.stringify(
    {
      from: from ?? null,
      to: to ?? null,
      rows: convertUsageReportRows(rows),
      totals: {
        prompt_tokens: sum('prompt_tokens'),
        cached_tokens: sum('cached_tokens'),
        cache_write_tokens: sumOptional('cache_write_tokens'),
        cache_write_1h_tokens: sumOptional('cache_write_1h_tokens'),
        completion_tokens: sum('completion_tokens'),
        total_tokens: sum('total_tokens'),
        cost_usd: total.usd,
        unpriced_rows: total.unpricedRows,
      },
      prices: { genai_prices: genaiPricesVersion, description: describePrices() },
    },
    null,
    2,
  );
}

const csvColumns = [
  'day',
  'subject',
  'model',
  'service_tier',
  'provider',
  'prompt_tokens',
  'cached_tokens',
  'cache_write_tokens',
  'cache_write_1h_tokens',
  'completion_tokens',
  'total_tokens',
  'cost_usd',
  'unpriced_reason',
] as const satisfies ReadonlyArray<keyof UsageReportRow>;

/** A CSV field: quoted when it holds a comma, quote or line break (RFC 4180). */
function quoteCsv(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The `--csv` text (RFC 4180, header line first): one line per priced row; an unpriced row has an
 * empty `cost_usd` and its `unpriced_reason`.
 * @see https://www.rfc-editor.org/rfc/rfc4180
 */
export function formatUsageCsv(rows: readonly UsageTableRow[]): string {
  const lines = convertUsageReportRows(rows).map((row) =>
    csvColumns.map((column) => quoteCsv(row[column])).join(','),
  );
  return [csvColumns.join(','), ...lines].join('\r\n');
}
