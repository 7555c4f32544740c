/**
 * Formats US dollars for a table: six decimals (a million tokens of the cheapest model still
 * shows), `$` first, e.g. `$0.000168`.
 */
export function formatUsd(usd: number): string {
  return `$${usd.toFixed(6)}`;
}
