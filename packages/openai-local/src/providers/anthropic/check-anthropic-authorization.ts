import { isSameKey } from '../../server/is-same-key.js';
import { readBearerKey } from '../openai/check-authorization.js';

/**
 * The key of an Anthropic request: `x-api-key`, or the `Authorization: Bearer` key that
 * `@anthropic-ai/sdk` 1.x sends for its `apiKey`. Empty when there is none.
 * @see https://docs.anthropic.com/en/api/overview#authentication
 */
export function readAnthropicKey({
  apiKeyHeader,
  authorization,
}: {
  apiKeyHeader: string | undefined;
  authorization: string | undefined;
}): string {
  const key = apiKeyHeader?.trim() ?? '';
  return key === '' ? readBearerKey(authorization) : key;
}

import { AnthropicError } from './anthropic-error.js';

/**
 * Checks Anthropic's request headers: an `x-api-key` or Bearer key (any non-empty one, or exactly `apiKey`
 * when the server has one, compared in constant time) and an `anthropic-version`. Returns the
 * key; throws Anthropic's 401 `authentication_error` or 400 `invalid_request_error`.
 * @see https://docs.anthropic.com/en/api/overview#authentication
 */
export function checkAnthropicAuthorization({
  apiKeyHeader,
  authorization,
  versionHeader,
  apiKey,
}: {
  apiKeyHeader: string | undefined;
  authorization: string | undefined;
  versionHeader: string | undefined;
  apiKey: string | undefined;
}): string {
  const key = readAnthropicKey({ apiKeyHeader, authorization });
  if (key === '') {
    throw new AnthropicError({
      status: 401,
      message:
        'x-api-key header is required (or an Authorization: Bearer key). Any non-empty key works with openai-local unless it was started with an API key (--api-key, OPENAI_LOCAL_API_KEY).',
    });
  }
  if (apiKey !== undefined && !isSameKey({ given: key, expected: apiKey })) {
    throw new AnthropicError({
      status: 401,
      message:
        'invalid x-api-key: use the key this openai-local server was started with (--api-key or OPENAI_LOCAL_API_KEY).',
    });
  }
  if (versionHeader === undefined || versionHeader.trim() === '') {
    throw new AnthropicError({
      status: 400,
      message:
        'anthropic-version: header is required (e.g. anthropic-version: 2023-06-01; the SDKs send it).',
    });
  }
  return key;
}

/**
 * Checks the admin key (`sk-ant-admin…` at Anthropic) that the Admin API's usage and cost
 * reports require, sent as `x-api-key`. A regular key, or any key when the server has no admin
 * key, answers 401 as Anthropic does for a key that is not an admin key.
 * @see https://docs.anthropic.com/en/api/administration-api
 */
export function checkAnthropicAdminAuthorization({
  apiKeyHeader,
  authorization,
  adminKey,
}: {
  apiKeyHeader: string | undefined;
  authorization: string | undefined;
  adminKey: string | undefined;
}): string {
  const key = readAnthropicKey({ apiKeyHeader, authorization });
  if (key === '') {
    throw new AnthropicError({ status: 401, message: 'x-api-key header is required.' });
  }
  if (adminKey !== undefined && isSameKey({ given: key, expected: adminKey })) return key;
  throw new AnthropicError({
    status: 401,
    message: `invalid x-api-key: the usage and cost reports take an admin key; ${
      adminKey === undefined
        ? 'start openai-local with --admin-key (or OPENAI_LOCAL_ADMIN_KEY) and send that key.'
        : 'send the admin key this openai-local server was started with (--admin-key or OPENAI_LOCAL_ADMIN_KEY).'
    }`,
  });
}
