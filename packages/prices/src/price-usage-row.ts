import { formatUsd } from './format-usd.js';
import { type PriceableUsage, priceUsage, type UsagePrice } from './price-usage.js';

/** Input of `priceUsageRow`: one row of the usage table (tokens of one model on one day). */
export interface PriceUsageRowInput {
  model: string;
  /** Served tier when the row is grouped by it; missing: `default`, flagged in the result. */
  serviceTier?: string | null | undefined;
  provider?: string | null | undefined;
  /** Day of the row, `YYYY-MM-DD` (UTC): selects the prices in force that day. */
  day: string;
  usage: PriceableUsage;
}

/** A priced table row: the cell to print, the amount to add up, and the full result. */
export interface PricedUsageRow {
  /** `$0.000168`, or `unpriced` (never `$0`) when the model or tier has no price. */
  cell: string;
  /** USD, or `undefined` when unpriced. */
  usd: number | undefined;
  price: UsagePrice;
}

/**
 * Prices one usage-table row for a `cost` column.
 * @see https://developers.openai.com/api/docs/pricing
 */
export function priceUsageRow({
  model,
  serviceTier,
  provider,
  day,
  usage,
}: PriceUsageRowInput): PricedUsageRow {
  const at = new Date(`${day}T00:00:00.000Z`);
  if (Number.isNaN(at.getTime())) {
    throw new TypeError(`day must be YYYY-MM-DD, got ${JSON.stringify(day)}`);
  }
  const price = priceUsage({
    model,
    serviceTier,
    provider,
    at,
    usage,
  });
  return price.status === 'priced'
    ? { cell: formatUsd(price.usd), usd: price.usd, price }
    : { cell: 'unpriced', usd: undefined, price };
}

/** Totals of priced rows: the sum of what is priced, and how many rows are not. */
export interface UsageCostTotal {
  /** `$0.001234`, followed by `+ N unpriced` when some rows have no price. */
  cell: string;
  usd: number;
  unpricedRows: number;
}

/**
 * Adds up priced rows for the totals line; unpriced rows are counted, not taken as $0.
 */
export function totalUsageCost(rows: readonly PricedUsageRow[]): UsageCostTotal {
  let usd = 0;
  let unpricedRows = 0;
  for (const row of rows) {
    if (row.usd === undefined) unpricedRows += 1;
    else usd += row.usd;
  }
  const cell = unpricedRows > 0 ? `${formatUsd(usd)} + ${unpricedRows} unpriced` : formatUsd(usd);
  return { cell, usd, unpricedRows };
}
