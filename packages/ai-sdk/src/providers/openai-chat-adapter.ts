import { type ChatPromptRequest, toUsageEvent } from '@llm-meter/meter-core';
import { ChatStreamMeter } from '@llm-meter/meter-core/push';
import { chatChunkReader, type StreamChunkReader } from '@llm-meter/metering';
import type { AiSdkProviderAdapter } from './ai-sdk-provider-adapter.js';
import { convertPromptText } from './convert-prompt-text.js';

/**
 * OpenAI's chat completions through `@ai-sdk/openai` (`openai.chat(...)`, provider
 * `openai.chat`): the SDK always asks a stream for `include_usage`, so the usage chunk arrives.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export const openaiChatAdapter: AiSdkProviderAdapter = {
  provider: 'openai',
  requestIdHeader: 'x-request-id',
  requestOf: ({ params, modelId }) => ({
    model: modelId,
    messages: params.prompt.map((message) => ({
      // Tool results are counted as user text: an estimate, replaced by the real body.
      role: message.role === 'tool' ? 'user' : message.role,
      content: convertPromptText({ message }),
    })),
  }),
  createMeter: ({ request, options }) =>
    new ChatStreamMeter({ request: request as unknown as ChatPromptRequest, options }),
  reader: chatChunkReader as StreamChunkReader<unknown>,
  eventOf: ({ body, request, options }) =>
    toUsageEvent(body as Parameters<typeof toUsageEvent>[0], {
      ...options,
      request: request as unknown as ChatPromptRequest,
    }),
};
