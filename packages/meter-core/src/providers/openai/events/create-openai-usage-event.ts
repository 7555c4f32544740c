import { createUsageEvent } from '../../../events/create-usage-event.js';
import type { UsageEvent } from '../../../events/usage-event.js';
import { isReasoningModel } from '../count/chat-prompt-rules.js';

/** The provider id OpenAI's events carry unless the caller names another (compatible servers). */
export const openAIProviderId = 'openai';

/**
 * `createUsageEvent` for OpenAI's responses: provider `openai` unless `options.provider` names
 * another, and estimates of reasoning models flagged `reasoning_tokens_unknown`.
 */
export function createOpenAIUsageEvent(
  input: Omit<Parameters<typeof createUsageEvent>[0], 'provider' | 'reasoningHidden'>,
): UsageEvent {
  return createUsageEvent({
    ...input,
    provider: openAIProviderId,
    reasoningHidden: [input.model, input.requestedModel].some(
      (name) => typeof name === 'string' && isReasoningModel(name),
    ),
  });
}
