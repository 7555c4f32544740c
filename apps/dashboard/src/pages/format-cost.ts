import { formatUsd } from '@llm-meter/prices';
import type { CostSum } from '../summarize-usage.js';

/** A cost sum as the usage table writes it: `$0.001234`, `+ N unpriced` when rows have no price. */
export function formatCost(cost: CostSum): string {
  return cost.unpricedRows > 0
    ? `${formatUsd(cost.usd)} + ${cost.unpricedRows} unpriced`
    : formatUsd(cost.usd);
}
