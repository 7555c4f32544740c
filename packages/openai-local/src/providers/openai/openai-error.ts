/**
 * The error body OpenAI sends with every non-2xx answer.
 */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/**
 * An error answer to send to the client: HTTP status plus OpenAI's error body fields. Handlers
 * throw it and the server turns it into the response at one place.
 */
export class OpenAIError extends Error {
  override name = 'OpenAIError' as const;
  readonly status: number;
  readonly type: string;
  readonly param: string | null;
  readonly code: string | null;
  readonly headers: Record<string, string>;

  constructor({
    status,
    message,
    type = 'invalid_request_error',
    param = null,
    code = null,
    headers = {},
    cause,
  }: {
    status: number;
    message: string;
    type?: string;
    param?: string | null;
    code?: string | null;
    headers?: Record<string, string>;
    cause?: unknown;
  }) {
    super(message, { cause });
    this.status = status;
    this.type = type;
    this.param = param;
    this.code = code;
    this.headers = headers;
  }

  /** The JSON body OpenAI would send for this error. */
  toBody(): OpenAIErrorBody {
    return {
      error: { message: this.message, type: this.type, param: this.param, code: this.code },
    };
  }
}

/**
 * Builds the 400 answer for a malformed request field, naming the field in `param` as OpenAI does.
 */
export function createInvalidRequestError({
  param,
  message,
  code = null,
}: {
  param: string | null;
  message: string;
  code?: string | null;
}): OpenAIError {
  return new OpenAIError({ status: 400, message, param, code });
}
