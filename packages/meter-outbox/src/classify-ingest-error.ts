import { InvalidEventError, isRetryableStatus, OpenMeterError } from '@llm-meter/openmeter-client';

/**
 * How the outbox reacts to a failed ingest.
 */
export type IngestFailureKind = 'retry' | 'configuration' | 'reject';

/**
 * A failed ingest, read from the client's error.
 */
export interface IngestFailure {
  kind: IngestFailureKind;
  status: number | undefined;
  retryAfterMs: number | undefined;
  problem: unknown;
  /**
   * Whether the request carried an API key (the OpenMeter client's `OpenMeterError.apiKeySet`),
   * so a 401 or 403 can say a key is missing rather than refused; undefined when not known.
   */
  apiKeySet: boolean | undefined;
}

/**
 * Classifies an ingest error. The client's `InvalidEventError` (refused before sending: it can
 * never succeed) is `reject`. Then, read from the fields the OpenMeter client's errors carry
 * (`status`, `isRetryable`, `retryAfterMs`, `problem`), so any client of that shape works:
 * 401/403 (wrong key) and 404/405 (wrong base URL) are `configuration`: the events are fine, so
 * they are retried while the outbox reports the error loudly; dead-lettering them would drop
 * revenue over a typo. Other 4xx that are not retryable ({@link isRetryableStatus}) are `reject`
 * (bisect and dead-letter); everything else (network, timeout, 408/409/429/5xx, unknown throws)
 * is `retry`.
 */
export function classifyIngestError(error: unknown): IngestFailure {
  const fields = (typeof error === 'object' && error !== null ? error : {}) as {
    status?: unknown;
    isRetryable?: unknown;
    retryAfterMs?: unknown;
    problem?: unknown;
  };
  const status = typeof fields.status === 'number' ? fields.status : undefined;
  const retryAfterMs = typeof fields.retryAfterMs === 'number' ? fields.retryAfterMs : undefined;
  const apiKeySet = error instanceof OpenMeterError ? error.apiKeySet : undefined;
  const base = { status, retryAfterMs, problem: fields.problem, apiKeySet };
  if (error instanceof InvalidEventError) return { kind: 'reject', ...base };
  if (status === 401 || status === 403 || status === 404 || status === 405)
    return { kind: 'configuration', ...base };
  const isRetryable =
    typeof fields.isRetryable === 'boolean'
      ? fields.isRetryable
      : status === undefined || isRetryableStatus(status);
  if (!isRetryable && status !== undefined && status >= 400 && status < 500) {
    return { kind: 'reject', ...base };
  }
  return { kind: 'retry', ...base };
}
