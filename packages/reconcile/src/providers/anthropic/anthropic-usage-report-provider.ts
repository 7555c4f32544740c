import type { UsageReportProvider } from '../../usage-report-client.js';
import { createAnthropicUsageReport } from './create-anthropic-usage-report.js';
import { defaultAnthropicBaseUrl } from './fetch-anthropic-report.js';

/** Anthropic in the registry: `ANTHROPIC_ADMIN_KEY` and `ANTHROPIC_BASE_URL` from the environment. */
export const anthropicUsageReportProvider: UsageReportProvider = {
  id: 'anthropic',
  name: 'Anthropic',
  createFromEnvironment(environment) {
    const adminKey = environment.ANTHROPIC_ADMIN_KEY;
    if (!adminKey) {
      return {
        success: false,
        error:
          'ANTHROPIC_ADMIN_KEY is not set: the Admin API usage and cost reports need an Admin API key (sk-ant-admin…, Claude Console, Settings, Admin keys).',
      };
    }
    return {
      success: true,
      value: createAnthropicUsageReport({
        adminKey,
        baseUrl: environment.ANTHROPIC_BASE_URL || defaultAnthropicBaseUrl,
      }),
    };
  },
  environmentHelp:
    "ANTHROPIC_ADMIN_KEY (an Admin API key), ANTHROPIC_BASE_URL (Anthropic's by default;\nopenai-local's serves the same reports)",
};
