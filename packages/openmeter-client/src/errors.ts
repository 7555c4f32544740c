import type { components } from './generated/schema.js';
import type { components as componentsV3 } from './generated/schema-v3.js';

/**
 * An RFC 7807 problem as OpenMeter sends it (`application/problem+json`): v1's shape, with
 * `extensions`, or v3's, whose 400s list `invalid_parameters`.
 */
export type Problem =
  | components['schemas']['UnexpectedProblemResponse']
  | (componentsV3['schemas']['BaseError'] & {
      invalid_parameters?: componentsV3['schemas']['InvalidParameters'];
      extensions?: undefined;
    });

/**
 * Base class of every failure the client reports. `isRetryable` says whether sending the same
 * request again may succeed (timeouts, network failures, 408, 409, 429, 5xx).
 * @see https://openmeter.io/docs/api/cloud
 */
export abstract class OpenMeterClientError extends Error {
  abstract readonly isRetryable: boolean;
  constructor(
    readonly method: string,
    readonly url: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Whether an HTTP status is worth retrying: 408, 409, 429 and every 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * OpenMeter answered with a non-2xx status. Carries the status, the parsed problem details
 * (when the answer was `application/problem+json`) and the server's `Retry-After`, if any. A 401
 * or 403 to a client created without `apiKey` says that no key was set and how to set one.
 * @see https://www.rfc-editor.org/rfc/rfc7807
 */
export class OpenMeterError extends OpenMeterClientError {
  override name = 'OpenMeterError' as const;
  readonly isRetryable: boolean;
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
    options: {
      method: string;
      url: string;
      statusText?: string;
      retryAfterMs?: number | undefined;
      /** Whether the request carried the client's `apiKey`; undefined when not known. */
      apiKeySet?: boolean | undefined;
      cause?: unknown;
    },
  ) {
    const reason = options.statusText ? ` ${options.statusText}` : '';
    const detail = problem?.detail ? `: ${problem.detail}` : '';
    // "Refused the key" would send the reader hunting for a typo in a key that was never sent.
    const noKey =
      options.apiKeySet === false && (status === 401 || status === 403)
        ? '. No API key was set: pass apiKey to createOpenMeterClient (e.g. from OPENMETER_API_KEY).'
        : '';
    super(
      options.method,
      options.url,
      `Request failed with status code ${status}${reason}: ${options.method} ${options.url}${detail}${noKey}`,
      { cause: options.cause },
    );
    this.isRetryable = isRetryableStatus(status);
    this.retryAfterMs = options.retryAfterMs;
    this.apiKeySet = options.apiKeySet;
  }
  /**
   * Whether the request carried the client's `apiKey` (false: the client was created without
   * one, so a 401 or 403 means a key is missing, not a wrong one); undefined when not known.
   */
  readonly apiKeySet: boolean | undefined;
  /** Milliseconds the server asked to wait before the next attempt (`Retry-After`). */
  readonly retryAfterMs: number | undefined;

  /**
   * Validation details, when present: v1's `extensions.validationErrors`, v3's
   * `invalid_parameters`.
   */
  get validationErrors(): unknown[] | undefined {
    const problem = this.problem;
    const errors =
      problem && 'invalid_parameters' in problem
        ? problem.invalid_parameters
        : problem?.extensions?.validationErrors;
    return Array.isArray(errors) ? errors : undefined;
  }
}

/** The request never got an HTTP answer: connection refused, reset, DNS failure, TLS error. */
export class OpenMeterConnectionError extends OpenMeterClientError {
  override name = 'OpenMeterConnectionError' as const;
  readonly isRetryable = true;
  constructor(options: { method: string; url: string; cause: unknown }) {
    const reason = describeCause(options.cause);
    super(
      options.method,
      options.url,
      `Could not reach OpenMeter: ${options.method} ${options.url}${reason ? ` (${reason})` : ''}. Check the base URL and that the server is running.`,
      { cause: options.cause },
    );
  }
}

/** No answer arrived within the client's `timeoutMs`. */
export class OpenMeterTimeoutError extends OpenMeterClientError {
  override name = 'OpenMeterTimeoutError' as const;
  readonly isRetryable = true;
  constructor(options: { method: string; url: string; timeoutMs: number; cause?: unknown }) {
    super(
      options.method,
      options.url,
      `OpenMeter did not answer within ${options.timeoutMs} ms: ${options.method} ${options.url}. Raise timeoutMs or check the server.`,
      { cause: options.cause },
    );
    this.timeoutMs = options.timeoutMs;
  }
  readonly timeoutMs: number;
}

/**
 * An event handed to `events.ingest` is invalid (meter-core's `parseCloudEvent` refused it, its
 * `CloudEventError` is the `cause`); nothing was sent. `field` is prefixed with the event's place
 * (`event.subject`, `events[2].time`). Sending it again can never succeed, so the outbox
 * dead-letters it at once.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#required-attributes
 */
export class InvalidEventError extends Error {
  override name = 'InvalidEventError' as const;
  constructor(
    readonly field: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return '';
  const inner = (cause as Error & { cause?: unknown }).cause;
  const code =
    inner && typeof inner === 'object' && 'code' in inner ? String(inner.code) : undefined;
  return code ?? cause.message;
}
