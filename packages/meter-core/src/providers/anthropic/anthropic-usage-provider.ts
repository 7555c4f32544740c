import type { UsageProvider } from '../usage-provider.js';
import { estimateAnthropicRequest } from './count/estimate-anthropic-request.js';
import { anthropicProviderId } from './events/create-messages-usage-event.js';

/** Anthropic's adapter: the Messages API. */
export const anthropicUsageProvider: UsageProvider = {
  id: anthropicProviderId,
  estimateRequest: (request) => estimateAnthropicRequest({ request }),
};
