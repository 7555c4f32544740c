import type { UsageReportProvider } from '../../usage-report-client.js';

/**
 * Google (Gemini) in the registry: Google publishes no usage or cost report API for the Gemini
 * API (Vertex AI's costs reach Cloud Billing's export to BigQuery, not an API this command
 * reads), so metered Gemini usage is never reconciled, and the command says so instead of
 * showing a zero row.
 * @see https://ai.google.dev/gemini-api/docs/billing
 */
export const googleUsageReportProvider: UsageReportProvider = {
  id: 'google',
  name: 'Google (Gemini)',
  createFromEnvironment() {
    return {
      success: false,
      error:
        'Google publishes no usage or cost report API for Gemini: metered Gemini usage is not reconciled (compare it by hand with Cloud Billing, or its export to BigQuery).',
    };
  },
  environmentHelp: 'none (Gemini has no usage report API)',
};
