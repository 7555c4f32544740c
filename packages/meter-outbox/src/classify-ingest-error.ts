/**
 * How the outbox reacts to a failed ingest.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15.5
 */
export type IngestFailureKind = 'retry' | 'configuration' | 'reject';

/**
 * A failed ingest, read structurally from the client's error.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15.5
 */
export interface IngestFailure {
  kind: IngestFailureKind;
  status: number | undefined;
  retryAfterMs: number | undefined;
  problem: unknown;
}

/**
 * Reads an ingest error structurally (`status`, `isRetryable`, `retryAfterMs`, `problem`, as the
 * OpenMeter client's errors carry them). 401/403 (wrong key) and 404/405 (wrong base URL) are
 * `configuration`: the events are fine, so they are retried while the outbox reports the error
 * loudly; dead-lettering them would drop revenue over a typo. The client's `InvalidEventError`
 * (refused before sending) and other 4xx that are not retryable are `reject` (bisect and
 * dead-letter), everything else (network, timeout, 408/409/429/5xx, unknown throws) is `retry`.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15.5
 */
export function classifyIngestError(error: unknown): IngestFailure {
  const fields = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    status?: unknown;
    isRetryable?: unknown;
    retryAfterMs?: unknown;
    problem?: unknown;
  };
  const status = typeof fields.status === 'number' ? fields.status : undefined;
  const retryAfterMs = typeof fields.retryAfterMs === 'number' ? fields.retryAfterMs : undefined;
  const base = { status, retryAfterMs, problem: fields.problem };
  // The client's own validation before sending (e.g. an unparseable `time`) can never succeed.
  if (fields.name === 'InvalidEventError') return { kind: 'reject', ...base };
  if (status === 401 || status === 403 || status === 404 || status === 405)
    return { kind: 'configuration', ...base };
  const isRetryable =
    typeof fields.isRetryable === 'boolean'
      ? fields.isRetryable
      : status === undefined || status === 408 || status === 409 || status === 429 || status >= 500;
  if (!isRetryable && status !== undefined && status >= 400 && status < 500) {
    return { kind: 'reject', ...base };
  }
  return { kind: 'retry', ...base };
}
