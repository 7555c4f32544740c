import { OpenMeterError, type Problem } from './errors.js';
import { parseRetryAfter } from './retry-policy.js';

/**
 * The one boundary where openapi-fetch's `{ data, error, response }` becomes a value or an
 * `OpenMeterError`, for the v1 and the v3 client alike: the status, the problem details (both
 * APIs answer RFC 7807 `application/problem+json`), `Retry-After` and whether a key was sent.
 * @see https://www.rfc-editor.org/rfc/rfc7807
 */
export function unwrapResult<T>({
  result,
  method,
  now,
  apiKeySet,
}: {
  result: { data?: T; error?: unknown; response: Response };
  method: string;
  /** The clock's moment, in milliseconds, against which a `Retry-After` date is read. */
  now: number;
  apiKeySet: boolean;
}): T {
  if (result.response.ok) return result.data as T;
  const { response } = result;
  const body = result.error;
  const problem = isProblem(body) ? body : undefined;
  const url = new URL(response.url || 'http://invalid');
  url.username = '';
  url.password = '';
  throw new OpenMeterError(response.status, problem, {
    method,
    url: response.url ? url.toString() : '(unknown URL)',
    statusText: response.statusText,
    retryAfterMs: parseRetryAfter({ header: response.headers.get('retry-after'), now }),
    apiKeySet,
    cause: problem ?? body,
  });
}

function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && 'title' in body;
}
