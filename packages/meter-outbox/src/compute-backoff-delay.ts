/**
 * Exponential backoff with "full jitter": a random delay between 0 and
 * `min(maxDelayMs, initialDelayMs * 2^attempt)`, so retrying producers spread out instead of
 * hammering a recovering server in lockstep. A server's `Retry-After` wins when present.
 * @see https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */
export function computeBackoffDelay({
  attempt,
  initialDelayMs,
  maxDelayMs,
  retryAfterMs,
  random = Math.random,
}: {
  attempt: number;
  initialDelayMs: number;
  maxDelayMs: number;
  retryAfterMs?: number | undefined;
  random?: () => number;
}): number {
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs >= 0) {
    return retryAfterMs;
  }
  const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
