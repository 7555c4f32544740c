import type { RequestEstimate } from '../../usage-provider.js';
import type { AnthropicMessagesRequest } from '../events/anthropic-message-types.js';
import { estimateAnthropicPromptTokens } from './estimate-anthropic-prompt-tokens.js';

/**
 * Estimates a Messages request before it is sent: the prompt with the calibrated model (cache
 * reads and writes included, as billed), the output limit `max_tokens` (required by the API),
 * one answer. Throws a TypeError naming the field it cannot read.
 * @see https://docs.anthropic.com/en/api/messages#body-max-tokens
 */
export function estimateAnthropicRequest({ request }: { request: unknown }): RequestEstimate {
  if (!request || typeof request !== 'object' || Array.isArray(request)) {
    throw new TypeError('the request body must be an object with `model` and `messages`');
  }
  const body = request as AnthropicMessagesRequest;
  const maxTokens = body.max_tokens;
  if (
    maxTokens !== undefined &&
    maxTokens !== null &&
    (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 0)
  ) {
    throw new TypeError(
      `request.max_tokens must be a non-negative integer, got ${JSON.stringify(maxTokens)}`,
    );
  }
  const prompt = estimateAnthropicPromptTokens({ request: body });
  return {
    promptTokens: prompt.tokens,
    excludedParts: prompt.excludedParts,
    maxOutputTokens: maxTokens ?? undefined,
    choices: 1,
  };
}
