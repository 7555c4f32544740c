import type { UsageReportProvider } from '../../usage-report-client.js';
import { createOpenAIUsageReport } from './create-openai-usage-report.js';
import { defaultOpenAIBaseUrl } from './fetch-openai-buckets.js';

/** OpenAI in the registry: `OPENAI_ADMIN_KEY` and `OPENAI_BASE_URL` from the environment. */
export const openAIUsageReportProvider: UsageReportProvider = {
  id: 'openai',
  name: 'OpenAI',
  createFromEnvironment(environment) {
    const adminKey = environment.OPENAI_ADMIN_KEY;
    if (!adminKey) {
      return {
        success: false,
        error:
          'OPENAI_ADMIN_KEY is not set: the organisation Usage and Costs APIs need an admin key (platform.openai.com, Organization settings, Admin keys).',
      };
    }
    return {
      success: true,
      value: createOpenAIUsageReport({
        adminKey,
        baseUrl: environment.OPENAI_BASE_URL || defaultOpenAIBaseUrl,
      }),
    };
  },
  environmentHelp:
    "OPENAI_ADMIN_KEY (an organisation admin key), OPENAI_BASE_URL (OpenAI's by default;\nopenai-local's serves the same APIs)",
};
