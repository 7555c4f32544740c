import type { AiSdkProviderAdapter } from './ai-sdk-provider-adapter.js';
import { anthropicMessagesAdapter } from './anthropic-messages-adapter.js';
import { geminiAdapter } from './gemini-adapter.js';
import { openaiChatAdapter } from './openai-chat-adapter.js';
import { openaiResponsesAdapter } from './openai-responses-adapter.js';

// The AI SDK names a model's provider `<provider>.<api>`; these are the APIs whose wire format
// meter-core maps exactly.
const adapters: ReadonlyMap<string, AiSdkProviderAdapter> = new Map([
  ['openai.chat', openaiChatAdapter],
  ['openai.responses', openaiResponsesAdapter],
  ['anthropic.messages', anthropicMessagesAdapter],
  ['google.generative-ai', geminiAdapter],
  ['google.vertex.chat', geminiAdapter],
]);

/**
 * The adapter metering a model from its provider's own wire data, by the model's `provider`
 * (`openai.responses`, `anthropic.messages`, ...), or `undefined` for any other provider,
 * which is metered from the AI SDK's normalized usage instead.
 * @see https://ai-sdk.dev/providers/ai-sdk-providers
 */
export function findProviderAdapter({
  provider,
}: {
  provider: string;
}): AiSdkProviderAdapter | undefined {
  return adapters.get(provider);
}
