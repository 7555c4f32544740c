import type { ProxyError } from '../provider-adapter.js';

// OpenAI's error types for the proxy's own errors (an authentication failure is an
// `invalid_request_error` with code `invalid_api_key`, as OpenAI answers it).
const errorTypes: Record<ProxyError['kind'], string> = {
  invalid_request: 'invalid_request_error',
  authentication: 'invalid_request_error',
  quota: 'insufficient_quota',
  server: 'server_error',
  upstream: 'upstream_error',
};

/**
 * An error answered the way OpenAI answers errors, so every OpenAI client reads it: a JSON
 * body `{ error: { message, type, param, code } }` with the given status.
 */
export function openAIErrorResponse({
  status,
  message,
  kind,
  code,
  param = null,
}: ProxyError): Response {
  return new Response(JSON.stringify({ error: { message, type: errorTypes[kind], param, code } }), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}
