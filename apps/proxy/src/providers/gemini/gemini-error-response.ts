import type { ProxyError } from '../provider-adapter.js';

// Google's canonical status names for the proxy's own errors.
const statuses: Record<ProxyError['kind'], string> = {
  invalid_request: 'INVALID_ARGUMENT',
  authentication: 'UNAUTHENTICATED',
  quota: 'RESOURCE_EXHAUSTED',
  server: 'INTERNAL',
  upstream: 'UNAVAILABLE',
};

/**
 * An error answered the way the Gemini API answers errors, so `@google/genai` raises its
 * `ApiError` with the status: a JSON body `{ error: { code, message, status } }`.
 * @see https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 */
export function geminiErrorResponse({ status, message, kind }: ProxyError): Response {
  // A refused path or another customer's object: Google's names for those statuses.
  const name = status === 403 ? 'PERMISSION_DENIED' : status === 404 ? 'NOT_FOUND' : statuses[kind];
  return new Response(JSON.stringify({ error: { code: status, message, status: name } }), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}
