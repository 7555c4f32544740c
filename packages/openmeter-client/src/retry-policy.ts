/** How the client retries a failed request. `false` turns retries off. */
export interface RetryOptions {
  /** Attempts in all, the first included. Default 4. */
  maxAttempts?: number;
  /** Upper bound of the first backoff delay. Default 200 ms. */
  initialDelayMs?: number;
  /** Upper bound of any one backoff delay. Default 10,000 ms. */
  maxDelayMs?: number;
  /** No attempt starts later than this after the first one. Default 30,000 ms. */
  maxElapsedMs?: number;
}

/** The retry settings with every default applied. */
export type RetryPolicy = Required<RetryOptions>;

/** Builds the effective retry policy from the client options. */
export function createRetryPolicy(retry: RetryOptions | false | undefined): RetryPolicy {
  if (retry === false) {
    return { maxAttempts: 1, initialDelayMs: 0, maxDelayMs: 0, maxElapsedMs: 0 };
  }
  const policy = {
    maxAttempts: retry?.maxAttempts ?? 4,
    initialDelayMs: retry?.initialDelayMs ?? 200,
    maxDelayMs: retry?.maxDelayMs ?? 10_000,
    maxElapsedMs: retry?.maxElapsedMs ?? 30_000,
  };
  for (const [key, value] of Object.entries(policy)) {
    if (!Number.isFinite(value) || value < 0 || (key === 'maxAttempts' && value < 1)) {
      throw new RangeError(
        `retry.${key} must be a finite number${key === 'maxAttempts' ? ' >= 1' : ' >= 0'}, got ${value}`,
      );
    }
  }
  return policy;
}

/**
 * Parses a `Retry-After` header, in seconds or as an HTTP date, into milliseconds from `now`.
 * Returns undefined when absent or unreadable.
 */
export function parseRetryAfter({
  header,
  now,
}: {
  header: string | null | undefined;
  now: number;
}): number | undefined {
  if (header === null || header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
