import type { BilledProvider } from '../ledger/billed-request.js';

/**
 * Which provider's API a path belongs to, so its auth, headers and error shape apply:
 * `/v1/messages…` and `/v1/organizations/…` are Anthropic's, `/v1beta/…` and
 * `/v1/models/{model}:{method}` Gemini's, the rest
 * OpenAI's (`/v1/organization/…`, singular, is OpenAI's admin API).
 * @see https://docs.anthropic.com/en/api/messages
 */
export function providerOfPath(path: string): BilledProvider {
  if (path === '/v1/messages' || path.startsWith('/v1/messages/')) return 'anthropic';
  if (path.startsWith('/v1/organizations/')) return 'anthropic';
  if (path.startsWith('/v1beta/')) return 'gemini';
  // Gemini's `v1` (the default of @google/genai 3.x) shares the prefix with OpenAI's API; its
  // model calls name a method after a colon (`/v1/models/gemini-2.5-flash:generateContent`).
  if (/^\/v1\/models\/[^/]+:[A-Za-z]+$/.test(path)) return 'gemini';
  return 'openai';
}
