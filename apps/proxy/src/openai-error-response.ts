/**
 * An error answered the way OpenAI answers errors, so every OpenAI client reads it: a JSON
 * body `{ error: { message, type, param, code } }` with the given status.
 */
export function openAIErrorResponse({
  status,
  message,
  type,
  code,
  param = null,
  headers,
}: {
  status: number;
  message: string;
  type: string;
  code: string | null;
  /** The request parameter the error is about. */
  param?: string | null | undefined;
  headers?: Record<string, string> | undefined;
}): Response {
  return new Response(JSON.stringify({ error: { message, type, param, code } }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}
