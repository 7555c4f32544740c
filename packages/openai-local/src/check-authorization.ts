import type { IncomingMessage } from 'node:http';
import { OpenAIError } from './openai-error.js';

// OpenAI's keys are well over 20 characters, so showing 7 of them still hides the key; a shorter
// (test) key would be mostly or wholly given away, so it is masked entirely.
const minimumKeyLengthToHint = 20;

/**
 * Masks an API key for an error message as OpenAI does (`sk-***wxyz`), but hides keys shorter
 * than 20 characters entirely (`***`), since their ends would give most of them away.
 * @see https://platform.openai.com/docs/guides/error-codes
 */
export function maskApiKey(key: string): string {
  return key.length >= minimumKeyLengthToHint ? `${key.slice(0, 3)}***${key.slice(-4)}` : '***';
}

/**
 * Throws OpenAI's 401 `invalid_api_key` error when the request has no Bearer key, or a key other
 * than `apiKey` when one is set. The message never echoes more of the key than {@link maskApiKey}.
 * @see https://platform.openai.com/docs/api-reference/authentication
 */
export function checkAuthorization({
  request,
  apiKey,
}: {
  request: IncomingMessage;
  apiKey: string | undefined;
}): void {
  const header = request.headers.authorization ?? '';
  const key = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
  if (key === '') {
    throw new OpenAIError({
      status: 401,
      message:
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). Any non-empty key works with openai-local unless it was started with an apiKey.",
      code: 'invalid_api_key',
    });
  }
  if (apiKey !== undefined && key !== apiKey) {
    throw new OpenAIError({
      status: 401,
      message: `Incorrect API key provided: ${maskApiKey(key)}. Use the key this openai-local server was started with (--api-key).`,
      code: 'invalid_api_key',
    });
  }
}
