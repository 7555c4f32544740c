import type { UsageProvider } from '../usage-provider.js';
import { geminiProviderId } from './events/create-gemini-event.js';
import { estimateGeminiRequest } from './events/estimate-gemini-request.js';

/** Gemini's adapter (Generative Language API and Vertex AI): generateContent and embeddings. */
export const geminiUsageProvider: UsageProvider = {
  id: geminiProviderId,
  estimateRequest: (request) => estimateGeminiRequest({ request }),
};
