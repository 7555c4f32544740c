import {
  createGeminiUsageEvent,
  type GeminiPromptRequest,
  type GenerateContentResponseLike,
} from '@llm-meter/meter-core';
import { GeminiStreamMeter } from '@llm-meter/meter-core/push';
import { geminiChunkReader, type StreamChunkReader } from '@llm-meter/metering';
import type { AiSdkProviderAdapter } from './ai-sdk-provider-adapter.js';
import { convertPromptText } from './convert-prompt-text.js';

/**
 * Gemini's `generateContent` through `@ai-sdk/google` (provider `google.generative-ai`) or
 * `@ai-sdk/google-vertex` (`google.vertex.chat`): thoughts, cached content, tool-use prompt
 * tokens and Vertex AI's traffic type come from Gemini's `usageMetadata`.
 * @see https://ai.google.dev/api/generate-content
 */
export const geminiAdapter: AiSdkProviderAdapter = {
  provider: 'google',
  requestIdHeader: 'x-request-id',
  requestOf: ({ params }) => {
    const system = params.prompt
      .filter((message) => message.role === 'system')
      .map((message) => convertPromptText({ message }))
      .join('\n');
    return {
      ...(system === '' ? {} : { systemInstruction: { parts: [{ text: system }] } }),
      contents: params.prompt
        .filter((message) => message.role !== 'system')
        .map((message) => ({
          role: message.role === 'assistant' ? 'model' : 'user',
          parts: [{ text: convertPromptText({ message }) }],
        })),
    };
  },
  createMeter: ({ request, modelId, options }) =>
    new GeminiStreamMeter({
      request: request as GeminiPromptRequest,
      options: { ...options, requestedModel: modelId },
    }),
  reader: geminiChunkReader as StreamChunkReader<unknown>,
  eventOf: ({ body, request, modelId, options }) =>
    createGeminiUsageEvent(body as GenerateContentResponseLike, {
      ...options,
      requestedModel: modelId,
      request: request as GeminiPromptRequest,
    }),
};
