import type { UsageReportProvider } from '../usage-report-client.js';
import { anthropicUsageReportProvider } from './anthropic/anthropic-usage-report-provider.js';
import { googleUsageReportProvider } from './google/google-usage-report-provider.js';
import { openAIUsageReportProvider } from './openai/openai-usage-report-provider.js';

// One line per provider: its folder under src/providers/ and its entry here.
const usageReportProviders: readonly UsageReportProvider[] = [
  openAIUsageReportProvider,
  anthropicUsageReportProvider,
  googleUsageReportProvider,
];

/** Every registered provider, in the order the command reports them. */
export function listUsageReportProviders(): readonly UsageReportProvider[] {
  return usageReportProviders;
}

/** The registered provider with this id, or undefined when none is. */
export function getUsageReportProvider(id: string): UsageReportProvider | undefined {
  return usageReportProviders.find((provider) => provider.id === id);
}
