import { isSameKey } from '../../server/is-same-key.js';
import { GeminiError } from './gemini-error.js';

/**
 * Checks Gemini's key, sent as `x-goog-api-key` or the `key` query parameter: any non-empty one,
 * or exactly `apiKey` when the server has one (compared in constant time). No key answers
 * Google's 403 `PERMISSION_DENIED`, a wrong one its 400 `INVALID_ARGUMENT` "API key not valid".
 * @see https://ai.google.dev/gemini-api/docs/api-key
 */
export function checkGeminiAuthorization({
  apiKeyHeader,
  keyParameter,
  apiKey,
}: {
  apiKeyHeader: string | undefined;
  keyParameter: string | undefined;
  apiKey: string | undefined;
}): string {
  const key = (apiKeyHeader ?? keyParameter ?? '').trim();
  if (key === '') {
    throw new GeminiError({
      status: 403,
      message:
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API. Send x-goog-api-key or ?key=; any non-empty key works with openai-local unless it was started with an API key (--api-key, OPENAI_LOCAL_API_KEY).",
    });
  }
  if (apiKey !== undefined && !isSameKey({ given: key, expected: apiKey })) {
    throw new GeminiError({
      status: 400,
      message:
        'API key not valid. Please pass a valid API key: the key this openai-local server was started with (--api-key or OPENAI_LOCAL_API_KEY).',
    });
  }
  return key;
}
