import type { ProxyError } from '../provider-adapter.js';

// Anthropic's error types for the proxy's own errors; its SDKs pick the exception by status.
const errorTypes: Record<ProxyError['kind'], string> = {
  invalid_request: 'invalid_request_error',
  authentication: 'authentication_error',
  quota: 'rate_limit_error',
  server: 'api_error',
  upstream: 'api_error',
};

/**
 * An error answered the way Anthropic answers errors, so `@anthropic-ai/sdk` raises its own
 * exception for the status (`BadRequestError`, `RateLimitError`, `InternalServerError`): a JSON
 * body `{ type: "error", error: { type, message } }`.
 * @see https://docs.anthropic.com/en/api/errors
 */
export function anthropicErrorResponse({ status, message, kind }: ProxyError): Response {
  // A refused path or another customer's object: Anthropic's types for those statuses.
  const type =
    status === 403 ? 'permission_error' : status === 404 ? 'not_found_error' : errorTypes[kind];
  return new Response(JSON.stringify({ type: 'error', error: { type, message } }), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}
