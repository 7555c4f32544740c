/**
 * Delay before retry number `attempt` (1 for the first retry): exponential backoff with "full
 * jitter", a uniform draw in [0, min(maxDelayMs, initialDelayMs * 2^(attempt-1))), so retrying
 * producers spread out instead of hammering a recovering server in lockstep. The one backoff of
 * the client and the outbox; a server's `Retry-After` is the caller's to prefer.
 * @see https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */
export function computeBackoffDelay({
  attempt,
  initialDelayMs,
  maxDelayMs,
  random = Math.random,
}: {
  attempt: number;
  initialDelayMs: number;
  maxDelayMs: number;
  random?: () => number;
}): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}
