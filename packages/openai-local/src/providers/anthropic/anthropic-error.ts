/**
 * The error body Anthropic sends with every non-2xx answer.
 * @see https://docs.anthropic.com/en/api/errors
 */
export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
  request_id: string;
}

/**
 * Anthropic's error `type` for an HTTP status: what its SDK maps to an exception class.
 * @see https://docs.anthropic.com/en/api/errors#http-errors
 */
export function anthropicErrorType(status: number): string {
  if (status === 400) return 'invalid_request_error';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit_error';
  if (status === 503 || status === 529) return 'overloaded_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

/**
 * An error answer on Anthropic's routes: HTTP status plus Anthropic's error type and message.
 * Handlers throw it and the server sends `{ type: "error", error: { type, message } }`.
 * @see https://docs.anthropic.com/en/api/errors
 */
export class AnthropicError extends Error {
  override name = 'AnthropicError' as const;
  readonly status: number;
  readonly type: string;
  readonly headers: Record<string, string>;

  constructor({
    status,
    message,
    type = anthropicErrorType(status),
    headers = {},
    cause,
  }: {
    status: number;
    message: string;
    type?: string;
    headers?: Record<string, string>;
    cause?: unknown;
  }) {
    super(message, { cause });
    this.status = status;
    this.type = type;
    this.headers = headers;
  }
}

/**
 * Anthropic's 400 for a malformed request field, naming the field as Anthropic does
 * (`max_tokens: Field required`).
 * @see https://docs.anthropic.com/en/api/errors
 */
export function createAnthropicInvalidRequest({
  field,
  message,
}: {
  field: string;
  message: string;
}): AnthropicError {
  return new AnthropicError({ status: 400, message: `${field}: ${message}` });
}
