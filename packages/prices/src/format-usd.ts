/**
 * Formats US dollars for a table: six decimals (a million tokens of the cheapest model still
 * shows), the sign before `$`, e.g. `$0.000168`, `-$0.000014`.
 */
export function formatUsd(usd: number): string {
  const text = `$${Math.abs(usd).toFixed(6)}`;
  return usd < 0 && text !== '$0.000000' ? `-${text}` : text;
}
