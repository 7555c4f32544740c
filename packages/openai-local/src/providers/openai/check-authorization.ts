import { isSameKey, maskApiKey } from '../../server/is-same-key.js';
import { OpenAIError } from './openai-error.js';

/**
 * The Bearer key of an `Authorization` header, or '' when there is none.
 */
export function readBearerKey(authorization: string | undefined): string {
  const header = authorization ?? '';
  return /^bearer /i.test(header) ? header.slice(7).trim() : '';
}

function missingKeyError(): OpenAIError {
  return new OpenAIError({
    status: 401,
    message:
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). Any non-empty key works with openai-local unless it was started with an API key (--api-key, OPENAI_LOCAL_API_KEY).",
    code: 'invalid_api_key',
  });
}

function incorrectKeyError({ key, hint }: { key: string; hint: string }): OpenAIError {
  return new OpenAIError({
    status: 401,
    message: `Incorrect API key provided: ${maskApiKey(key)}. ${hint}`,
    code: 'invalid_api_key',
  });
}

/**
 * Returns the request's Bearer key, or throws OpenAI's 401 `invalid_api_key` error when there is
 * none, or when it is not `apiKey` (compared in constant time) when one is set. The message
 * never echoes more of the key than {@link maskApiKey}.
 */
export function checkAuthorization({
  authorization,
  apiKey,
}: {
  authorization: string | undefined;
  apiKey: string | undefined;
}): string {
  const key = readBearerKey(authorization);
  if (key === '') throw missingKeyError();
  if (apiKey !== undefined && !isSameKey({ given: key, expected: apiKey })) {
    throw incorrectKeyError({
      key,
      hint: 'Use the key this openai-local server was started with (--api-key or OPENAI_LOCAL_API_KEY).',
    });
  }
  return key;
}

/**
 * Checks the admin key that OpenAI's organisation endpoints (Usage, Costs) require. No key, or a
 * key the server does not know, answers 401 `invalid_api_key`; a valid project key (or any key
 * when the server has no admin key) answers the 401 OpenAI sends for a key without the
 * `api.usage.read` scope. Keys are compared in constant time.
 */
export function checkAdminAuthorization({
  authorization,
  adminKey,
  apiKey,
}: {
  authorization: string | undefined;
  adminKey: string | undefined;
  apiKey: string | undefined;
}): string {
  const key = readBearerKey(authorization);
  if (key === '') throw missingKeyError();
  if (adminKey !== undefined && isSameKey({ given: key, expected: adminKey })) return key;
  if (apiKey !== undefined && !isSameKey({ given: key, expected: apiKey })) {
    throw incorrectKeyError({
      key,
      hint: 'The organization endpoints take the admin key this openai-local server was started with (--admin-key or OPENAI_LOCAL_ADMIN_KEY).',
    });
  }
  throw new OpenAIError({
    status: 401,
    message: `You have insufficient permissions for this operation. Missing scopes: api.usage.read. The organization Usage and Costs endpoints need an admin key: ${
      adminKey === undefined
        ? 'start openai-local with --admin-key (or OPENAI_LOCAL_ADMIN_KEY) and send that key.'
        : 'send the admin key this openai-local server was started with (--admin-key or OPENAI_LOCAL_ADMIN_KEY).'
    }`,
  });
}
