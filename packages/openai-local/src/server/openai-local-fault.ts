import { OpenAIError } from '../providers/openai/openai-error.js';
import {
  isServiceTier,
  type ServiceTier,
  serviceTiers,
} from '../providers/openai/resolve-service-tier.js';

/**
 * A failure to inject into one answer. Combine fields freely, e.g. a slow start plus a stall.
 * @see https://platform.openai.com/docs/guides/error-codes
 */
export interface OpenAILocalFault {
  /** Answer with this error status (429, 500, 503, …) and OpenAI's error body instead of a result. */
  status?: number | undefined;
  /** `Retry-After` seconds sent with a 429 or 503 (default 1). */
  retryAfterSeconds?: number | undefined;
  /** Close the connection after this many stream events (0 = right after the headers); a blocking answer closes instead of answering. */
  dropAfterChunks?: number | undefined;
  /** Pause the stream after this many events. */
  stallAfterChunks?: number | undefined;
  /** How long the stall lasts in milliseconds; omitted = until the client disconnects or the server closes. */
  stallMs?: number | undefined;
  /**
   * Leave out the usage chunk even when `stream_options.include_usage` is set. Responses streams
   * end without their terminal event (`response.completed`, …), the only one carrying usage.
   */
  omitUsage?: boolean | undefined;
  /** Wait this many milliseconds before sending the response headers. */
  delayMs?: number | undefined;
  /**
   * Makes the stall (`stallAfterChunks`) and the delay (`delayMs`, any value) the fault sets
   * last until this promise settles instead of a time: a fault function's, for tests that
   * release the answer when they are ready, never after a wall-clock wait.
   */
  until?: Promise<unknown> | undefined;
  /** Apply this fault only to the first N requests that carry it (header faults: same header value). */
  times?: number | undefined;
  /** Serve the request on this tier whatever it asked for (as OpenAI may serve `auto` or `priority` on `default`). */
  serveTier?: ServiceTier | undefined;
}

/**
 * The request header that injects a fault into a single answer (see {@link parseFaultHeader}).
 * @see https://platform.openai.com/docs/guides/error-codes
 */
export const faultHeaderName = 'x-openai-local-fault';

function parseCount({ value, name }: { value: string | undefined; name: string }): number {
  const number = Number(value);
  if (value === undefined || value === '' || !Number.isFinite(number) || number < 0) {
    throw new OpenAIError({
      status: 400,
      message: `Invalid ${faultHeaderName} header: ${name} needs a non-negative number, e.g. "${name}=3".`,
      param: faultHeaderName,
    });
  }
  return number;
}

/**
 * Parses the `x-openai-local-fault` header: comma-separated items such as `429`, `500`, `503`,
 * `retry-after=2`, `drop-after=5`, `stall-after=3`, `stall-ms=2000`, `no-usage`, `delay-ms=500`,
 * `serve-tier=flex`, `times=1`. Throws a 400 {@link OpenAIError} naming the bad item.
 * @see https://platform.openai.com/docs/guides/error-codes
 */
export function parseFaultHeader(header: string): OpenAILocalFault {
  const fault: OpenAILocalFault = {};
  for (const item of header
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [rawName = '', value] = item.split('=', 2).map((part) => part.trim());
    const name = rawName.toLowerCase();
    if (/^\d{3}$/.test(name)) fault.status = Number(name);
    else if (name === 'status') fault.status = parseCount({ value, name });
    else if (name === 'retry-after') fault.retryAfterSeconds = parseCount({ value, name });
    else if (name === 'drop-after') fault.dropAfterChunks = parseCount({ value, name });
    else if (name === 'stall-after') fault.stallAfterChunks = parseCount({ value, name });
    else if (name === 'stall-ms') fault.stallMs = parseCount({ value, name });
    else if (name === 'no-usage') fault.omitUsage = true;
    else if (name === 'delay-ms') fault.delayMs = parseCount({ value, name });
    else if (name === 'times') fault.times = parseCount({ value, name });
    else if (name === 'serve-tier') {
      if (!isServiceTier(value)) {
        throw new OpenAIError({
          status: 400,
          message: `Invalid ${faultHeaderName} header: serve-tier needs one of ${serviceTiers.join(', ')}, e.g. "serve-tier=flex".`,
          param: faultHeaderName,
        });
      }
      fault.serveTier = value;
    } else {
      throw new OpenAIError({
        status: 400,
        message: `Unknown item "${item}" in the ${faultHeaderName} header: use 429, 500, 503, retry-after=S, drop-after=N, stall-after=N, stall-ms=MS, no-usage, delay-ms=MS, serve-tier=TIER or times=N.`,
        param: faultHeaderName,
      });
    }
  }
  // A stall length on its own means "stall right away".
  if (fault.stallMs !== undefined && fault.stallAfterChunks === undefined)
    fault.stallAfterChunks = 0;
  return fault;
}

/**
 * Builds the error answer for a fault's status, with OpenAI's message, type and code for it and a
 * `Retry-After` header on 429 and 503.
 * @see https://platform.openai.com/docs/guides/error-codes/api-errors
 */
export function createFaultError(fault: OpenAILocalFault & { status: number }): OpenAIError {
  const retryHeaders: Record<string, string> =
    fault.status === 429 || fault.status === 503
      ? { 'retry-after': String(fault.retryAfterSeconds ?? 1) }
      : {};
  if (fault.status === 429) {
    return new OpenAIError({
      status: 429,
      message: 'Rate limit reached (injected by openai-local). Please try again later.',
      type: 'requests',
      code: 'rate_limit_exceeded',
      headers: retryHeaders,
    });
  }
  if (fault.status === 503) {
    return new OpenAIError({
      status: 503,
      message:
        'The engine is currently overloaded, please try again later. (injected by openai-local)',
      type: 'server_error',
      headers: retryHeaders,
    });
  }
  if (fault.status >= 500) {
    return new OpenAIError({
      status: fault.status,
      message:
        'The server had an error while processing your request. Sorry about that! (injected by openai-local)',
      type: 'server_error',
    });
  }
  return new OpenAIError({
    status: fault.status,
    message: `Injected error with status ${fault.status} (openai-local).`,
  });
}
