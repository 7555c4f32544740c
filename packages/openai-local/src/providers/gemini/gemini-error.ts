/**
 * The error body Google's APIs send with every non-2xx answer.
 * @see https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 */
export interface GeminiErrorBody {
  error: { code: number; message: string; status: string };
}

/**
 * The canonical gRPC status name Google sends beside an HTTP status.
 * @see https://cloud.google.com/apis/design/errors#handling_errors
 */
export function geminiStatusName(status: number): string {
  if (status === 400 || status === 413) return 'INVALID_ARGUMENT';
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'PERMISSION_DENIED';
  if (status === 404) return 'NOT_FOUND';
  if (status === 429) return 'RESOURCE_EXHAUSTED';
  if (status === 503) return 'UNAVAILABLE';
  if (status === 504) return 'DEADLINE_EXCEEDED';
  if (status >= 500) return 'INTERNAL';
  return 'FAILED_PRECONDITION';
}

/**
 * An error answer on Gemini's routes: HTTP status, Google's status name and message. Handlers
 * throw it and the server sends `{ error: { code, message, status } }`.
 * @see https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 */
export class GeminiError extends Error {
  override name = 'GeminiError' as const;
  readonly status: number;
  readonly statusName: string;
  readonly headers: Record<string, string>;

  constructor({
    status,
    message,
    statusName = geminiStatusName(status),
    headers = {},
    cause,
  }: {
    status: number;
    message: string;
    statusName?: string;
    headers?: Record<string, string>;
    cause?: unknown;
  }) {
    super(message, { cause });
    this.status = status;
    this.statusName = statusName;
    this.headers = headers;
  }
}
