import { computeBackoffDelay } from './compute-backoff-delay.js';
import { isRetryableStatus, OpenMeterConnectionError, OpenMeterTimeoutError } from './errors.js';
import { parseRetryAfter, type RetryPolicy } from './retry-policy.js';

/** What the transport needs; `random`, `now` and `sleep` are injectable for tests. */
export interface OpenMeterFetchOptions {
  apiKey: string | undefined;
  fetch: typeof globalThis.fetch;
  timeoutMs: number;
  policy: RetryPolicy;
  random?: () => number;
  /** The clock of `Retry-After` dates and of the retry budget. Default `() => new Date()`. */
  now?: () => Date;
  sleep?: (ms: number, signal?: AbortSignal | null) => Promise<void>;
  /** Called before each retry, for logging and metrics. */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string; url: string }) => void;
}

// Methods that may be sent twice without changing the outcome, plus the POSTs that are safe to
// repeat: ingest (OpenMeter deduplicates on source and id) and the queries (reads), of v1 and of
// v3 (`/api/v3/openmeter/...` self-hosted, `/v3/openmeter/...` on Kong Konnect).
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const SAFE_POST_PATHS = [
  /\/api\/v1\/events$/,
  /\/api\/v1\/meters\/[^/]+\/query$/,
  /\/openmeter\/events$/,
  /\/openmeter\/meters\/[^/]+\/query$/,
  /\/openmeter\/features\/[^/]+\/cost\/query$/,
];

/** Whether a request may be retried without risking a changed outcome. */
export function isRetrySafe({ method, url }: { method: string; url: string }): boolean {
  if (IDEMPOTENT_METHODS.has(method)) return true;
  const { pathname } = new URL(url);
  return method === 'POST' && SAFE_POST_PATHS.some((pattern) => pattern.test(pathname));
}

/** Removes any user:password part so a URL can go into an error message. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}

/**
 * Wraps `fetch` with what every OpenMeter call needs: the bearer key, a per-attempt timeout,
 * and retries with backoff and `Retry-After` for retryable answers and network failures.
 * A non-2xx answer that is not retried (or is out of attempts) is returned for the caller to
 * map; a network failure or timeout is thrown as `OpenMeterConnectionError`/`OpenMeterTimeoutError`.
 */
export function createOpenMeterFetch(options: OpenMeterFetchOptions): typeof globalThis.fetch {
  const random = options.random ?? Math.random;
  const clock = options.now ?? (() => new Date());
  const now = () => clock().getTime();
  const sleep = options.sleep ?? sleepWithSignal;
  const { policy } = options;

  return async (input, init) => {
    const original = new Request(input, init);
    if (options.apiKey) original.headers.set('Authorization', `Bearer ${options.apiKey}`);
    const url = redactUrl(original.url);
    const method = original.method;
    const maxAttempts = isRetrySafe({ method, url: original.url }) ? policy.maxAttempts : 1;
    // The body is read once so that every attempt sends exactly the same bytes.
    const body = original.body ? await original.arrayBuffer() : undefined;
    const startedAt = now();

    for (let attempt = 1; ; attempt++) {
      const timeoutSignal = AbortSignal.timeout(options.timeoutMs);
      const signal = AbortSignal.any([timeoutSignal, original.signal]);
      let response: Response | undefined;
      let failure: OpenMeterConnectionError | OpenMeterTimeoutError | undefined;
      try {
        const received = await options.fetch(
          new Request(original, { body: body ?? null, signal, duplex: 'half' } as RequestInit),
        );
        // The body is read under the same timeout, so a stall mid-body is a timeout too (and
        // retried), not an abort surfacing later from the caller's JSON parsing.
        response = await bufferResponse(received);
      } catch (error) {
        // The caller's own abort is not ours to retry or rename.
        if (original.signal.aborted) throw error;
        failure = timeoutSignal.aborted
          ? new OpenMeterTimeoutError({ method, url, timeoutMs: options.timeoutMs, cause: error })
          : new OpenMeterConnectionError({ method, url, cause: error });
      }

      const retryable =
        failure !== undefined || (response !== undefined && isRetryableStatus(response.status));
      if (!retryable || attempt >= maxAttempts) {
        if (failure) throw failure;
        return response as Response;
      }
      const retryAfterMs = response
        ? parseRetryAfter({ header: response.headers.get('retry-after'), now: now() })
        : undefined;
      const delayMs = retryAfterMs ?? computeBackoffDelay({ attempt, ...policy, random });
      if (now() + delayMs - startedAt > policy.maxElapsedMs) {
        if (failure) throw failure;
        return response as Response;
      }
      options.onRetry?.({
        attempt,
        delayMs,
        reason: failure ? failure.name : `status ${response?.status}`,
        url,
      });
      await sleep(delayMs, original.signal);
    }
  };
}

const nullBodyStatuses = new Set([101, 204, 205, 304]);

async function bufferResponse(response: Response): Promise<Response> {
  const bytes = nullBodyStatuses.has(response.status) ? null : await response.arrayBuffer();
  const buffered = new Response(bytes, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  // Error messages name the URL; a constructed Response has none of its own.
  Object.defineProperty(buffered, 'url', { value: response.url });
  return buffered;
}

function sleepWithSignal(ms: number, signal?: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
