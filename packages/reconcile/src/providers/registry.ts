import type { UsageReportProvider } from '../usage-report-client.js';
import { openAIUsageReportProvider } from './openai/openai-usage-report-provider.js';

// One line per provider: its folder under src/providers/ and its entry here.
const usageReportProviders: readonly UsageReportProvider[] = [openAIUsageReportProvider];

/** The provider whose usage reports `llm-meter-reconcile` reads by default. */
export const defaultUsageReportProvider = 'openai';

/** The registered provider with this id, or undefined when none is. */
export function getUsageReportProvider(id: string): UsageReportProvider | undefined {
  return usageReportProviders.find((provider) => provider.id === id);
}
