/**
 * Limits openmeter-local puts on what one request may ask of it; each refusal is a 400 (413 for
 * the body) problem that states the limit.
 * @see https://www.rfc-editor.org/rfc/rfc9457
 */
export interface RequestLimits {
  /** Largest request body in bytes (413 above). */
  maxBodyBytes: number;
  /** Deepest nesting of objects and arrays in one event (the event object is depth 1). */
  maxEventDepth: number;
  /** Most values in one `$in`/`$nin` list, and in all filter lists of one query together. */
  maxFilterValues: number;
  /** Deepest nesting of `$and`/`$or` in one advanced group-by filter. */
  maxFilterDepth: number;
  /** Most validation errors listed in one 400 answer to an ingest request. */
  maxListedErrors: number;
}

/**
 * Default request body limit: 10 MiB.
 * @see https://openmeter.io/docs/api/cloud
 */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * The limits used unless `startOpenMeterLocal` is told otherwise.
 * @see https://www.rfc-editor.org/rfc/rfc9457
 */
export const DEFAULT_REQUEST_LIMITS: RequestLimits = {
  maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  maxEventDepth: 32,
  maxFilterValues: 1_000,
  maxFilterDepth: 8,
  maxListedErrors: 100,
};
