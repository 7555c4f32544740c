import type { UsageProvider } from '../usage-provider.js';
import { openAIProviderId } from './events/create-openai-usage-event.js';
import { estimateOpenAIRequest } from './events/estimate-openai-request.js';

/** OpenAI's adapter: chat completions, Responses and embeddings. */
export const openAIUsageProvider: UsageProvider = {
  id: openAIProviderId,
  estimateRequest: (request) => estimateOpenAIRequest({ request }),
};
