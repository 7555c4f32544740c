import { type ResponsesPromptRequest, toUsageEvent } from '@llm-meter/meter-core';
import { ResponsesStreamMeter } from '@llm-meter/meter-core/push';
import { responsesEventReader, type StreamChunkReader } from '@llm-meter/metering';
import type { AiSdkProviderAdapter } from './ai-sdk-provider-adapter.js';
import { convertPromptText } from './convert-prompt-text.js';

/**
 * OpenAI's Responses API through `@ai-sdk/openai` (`openai(...)`, provider `openai.responses`):
 * the `response.completed` event carries the usage.
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */
export const openaiResponsesAdapter: AiSdkProviderAdapter = {
  provider: 'openai',
  requestIdHeader: 'x-request-id',
  requestOf: ({ params, modelId }) => ({
    model: modelId,
    input: params.prompt.map((message) => ({
      role: message.role === 'tool' ? 'user' : message.role,
      content: convertPromptText({ message }),
    })),
  }),
  createMeter: ({ request, options }) =>
    new ResponsesStreamMeter({ request: request as ResponsesPromptRequest, options }),
  reader: responsesEventReader as StreamChunkReader<unknown>,
  eventOf: ({ body, request, options }) =>
    toUsageEvent(body as Parameters<typeof toUsageEvent>[0], {
      ...options,
      request: request as ResponsesPromptRequest,
    }),
};
