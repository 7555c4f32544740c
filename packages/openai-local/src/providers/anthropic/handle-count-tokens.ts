import type { RequestContext } from '../../server/request-context.js';
import { createAnthropicInvalidRequest } from './anthropic-error.js';
import { resolveAnthropicModel } from './anthropic-models.js';
import { countAnthropicPrompt } from './count-anthropic-prompt.js';

/**
 * Answers Anthropic's `POST /v1/messages/count_tokens` with `{ input_tokens }`: the whole prompt
 * (tools, system, messages), the same count a Messages request bills as `input_tokens` plus its
 * cache reads and writes. Free, so nothing is billed.
 * @see https://docs.anthropic.com/en/api/messages-count-tokens
 */
export async function handleCountTokens(context: RequestContext): Promise<void> {
  resolveAnthropicModel(context.body.model);
  if (!Array.isArray(context.body.messages)) {
    throw createAnthropicInvalidRequest({ field: 'messages', message: 'Field required' });
  }
  context.sendJson({ body: { input_tokens: countAnthropicPrompt(context.body).totalTokens } });
}
