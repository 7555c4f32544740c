import createFetchClient, { type Client } from 'openapi-fetch';
import type { OpenMeterClientOptions } from './create-client.js';
import { createOpenMeterFetch } from './create-openmeter-fetch.js';
import { normalizeBaseUrl } from './normalize-base-url.js';
import { createRetryPolicy, type RetryOptions } from './retry-policy.js';
import { serializeQuery } from './serialize-query.js';
import { unwrapResult } from './unwrap-result.js';

/** What the v1 and the v3 client share: options read once, the raw clients, the error boundary. */
export interface ClientCore<Paths extends {}> {
  now: () => Date;
  generateId: () => string;
  defaultSource: string;
  /** The openapi-fetch client with the options' retries. */
  raw: Client<Paths>;
  /** The same client sending every request once (`retry: false` per call). */
  rawOnce: Client<Paths>;
  /** The one boundary where openapi-fetch's `{ data, error, response }` becomes a value or an error. */
  unwrap<T>(result: { data?: T; error?: unknown; response: Response }, method: string): T;
}

/**
 * Reads the client options (defaults, checks) and builds the typed openapi-fetch clients over
 * the shared transport (bearer key, timeout, retries), for the API described by `Paths`.
 * @see https://openapi-ts.dev/openapi-fetch/
 */
export function createClientCore<Paths extends {}>(
  options: OpenMeterClientOptions,
): ClientCore<Paths> {
  const baseUrl = normalizeBaseUrl(options.baseUrl);
  const now = options.now ?? (() => new Date());
  const timeoutMs = options.timeoutMs ?? 30_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new RangeError(`timeoutMs must be a positive number of milliseconds, got ${timeoutMs}`);
  }
  const createRaw = (retry: RetryOptions | false | undefined) =>
    createFetchClient<Paths>({
      baseUrl,
      fetch: createOpenMeterFetch({
        apiKey: options.apiKey,
        fetch: options.fetch ?? globalThis.fetch,
        timeoutMs,
        policy: createRetryPolicy(retry),
        now,
        onRetry: options.onRetry,
      }),
      querySerializer: (query) => serializeQuery(query as Record<string, unknown>),
    });
  const raw = createRaw(options.retry);
  return {
    now,
    generateId: options.generateId ?? (() => crypto.randomUUID()),
    defaultSource: options.defaultSource ?? 'llm-meter',
    raw,
    rawOnce: options.retry === false ? raw : createRaw(false),
    unwrap(result, method) {
      return unwrapResult({
        result,
        method,
        now: now().getTime(),
        apiKeySet: Boolean(options.apiKey),
      });
    },
  };
}
