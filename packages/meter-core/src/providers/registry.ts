import { anthropicUsageProvider } from './anthropic/anthropic-usage-provider.js';
import { geminiUsageProvider } from './gemini/gemini-usage-provider.js';
import { openAIUsageProvider } from './openai/openai-usage-provider.js';
import type { UsageProvider } from './usage-provider.js';

// One line per provider: its folder under src/providers/ exports the adapter.
const usageProviders: ReadonlyMap<string, UsageProvider> = new Map([
  [openAIUsageProvider.id, openAIUsageProvider],
  [anthropicUsageProvider.id, anthropicUsageProvider],
  [geminiUsageProvider.id, geminiUsageProvider],
]);

/** The ids of the providers this version knows. */
export const usageProviderIds: readonly string[] = [...usageProviders.keys()];

/**
 * The adapter of a provider by its id (`openai`, `anthropic`). Throws a TypeError naming the known ids for
 * any other.
 */
export function getUsageProvider(id: string): UsageProvider {
  const provider = usageProviders.get(id);
  if (provider === undefined) {
    throw new TypeError(
      `unknown provider ${JSON.stringify(id)}: this version of @llm-meter/meter-core knows ${usageProviderIds.join(', ')}`,
    );
  }
  return provider;
}
