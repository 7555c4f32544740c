import {
  type AnthropicMessageLike,
  type AnthropicMessagesRequest,
  createAnthropicUsageEvent,
} from '@llm-meter/meter-core';
import { AnthropicStreamMeter } from '@llm-meter/meter-core/push';
import { anthropicEventReader, type StreamChunkReader } from '@llm-meter/metering';
import type { AiSdkProviderAdapter } from './ai-sdk-provider-adapter.js';
import { convertPromptText } from './convert-prompt-text.js';

/**
 * Anthropic's Messages API through `@ai-sdk/anthropic` (provider `anthropic.messages`): cache
 * writes by lifetime, server tool calls and the inference region come from Anthropic's usage.
 * @see https://docs.anthropic.com/en/api/messages
 */
export const anthropicMessagesAdapter: AiSdkProviderAdapter = {
  provider: 'anthropic',
  requestIdHeader: 'request-id',
  requestOf: ({ params, modelId }) => {
    const system = params.prompt
      .filter((message) => message.role === 'system')
      .map((message) => convertPromptText({ message }))
      .join('\n');
    return {
      model: modelId,
      max_tokens: params.maxOutputTokens ?? 4096,
      ...(system === '' ? {} : { system }),
      messages: params.prompt
        .filter((message) => message.role !== 'system')
        .map((message) => ({
          role: message.role === 'assistant' ? 'assistant' : 'user',
          content: convertPromptText({ message }),
        })),
    };
  },
  createMeter: ({ request, options }) =>
    new AnthropicStreamMeter({ request: request as AnthropicMessagesRequest, options }),
  reader: anthropicEventReader as StreamChunkReader<unknown>,
  eventOf: ({ body, request, options }) =>
    createAnthropicUsageEvent(body as AnthropicMessageLike, {
      ...options,
      request: request as AnthropicMessagesRequest,
    }),
};
