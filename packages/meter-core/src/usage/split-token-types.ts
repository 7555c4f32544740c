import type { TokenType, UsageRecord } from './usage-record.js';

/**
 * Splits usage into disjoint token types that sum to `total_tokens`: `input` (neither read from
 * nor written to a cache), `cache_read`, `cache_write`, `output`. With `cacheReadUnknown` (an
 * estimate) every input token is `input`, an upper bound. With `differences` the usage is a
 * settlement correction's signed differences: split as they are (nothing clamped), so the
 * correction's types are the exact types minus the estimate's.
 */
export function splitTokenTypes({
  usage,
  cacheReadUnknown = false,
  differences = false,
}: {
  usage: UsageRecord;
  cacheReadUnknown?: boolean | undefined;
  differences?: boolean | undefined;
}): Record<TokenType, number> {
  const cacheRead = cacheReadUnknown ? 0 : usage.cached_tokens;
  if (differences) {
    const cacheWriteDifference = usage.cache_write_tokens ?? 0;
    return {
      input: usage.prompt_tokens - cacheRead - cacheWriteDifference,
      cache_read: cacheRead,
      cache_write: cacheWriteDifference,
      output: usage.completion_tokens,
    };
  }
  // Each part fits in prompt_tokens on its own (checkUsageRecord); clamp their sum too, so the
  // types always add up to the total.
  const cacheWrite = Math.min(usage.cache_write_tokens ?? 0, usage.prompt_tokens - cacheRead);
  return {
    input: usage.prompt_tokens - cacheRead - cacheWrite,
    cache_read: cacheRead,
    cache_write: cacheWrite,
    output: usage.completion_tokens,
  };
}
