import type { UsageReportClient } from '../../usage-report-client.js';
import type { AnthropicCostResult, AnthropicUsageResult } from './anthropic-admin-types.js';
import { convertAnthropicCosts } from './convert-anthropic-costs.js';
import { convertAnthropicUsage } from './convert-anthropic-usage.js';
import { describeAnthropicLimitations } from './describe-anthropic-limitations.js';
import { defaultAnthropicBaseUrl, fetchAnthropicReport } from './fetch-anthropic-report.js';

/** Input of `createAnthropicUsageReport`. */
export interface CreateAnthropicUsageReportInput {
  /** An Admin API key (`sk-ant-admin…`, `ANTHROPIC_ADMIN_KEY`); regular API keys are refused. */
  adminKey: string;
  /** Default `https://api.anthropic.com`; openai-local's `http://127.0.0.1:PORT` serves the same reports. */
  baseUrl?: string | undefined;
  fetch?: typeof globalThis.fetch | undefined;
}

/**
 * Reads Anthropic's Admin API Messages usage report (grouped by model and the dimensions the
 * meters carry; the workspace stands for the project) and cost report (by workspace when split
 * by project), for `reconcileUsage`.
 * @see https://docs.anthropic.com/en/api/admin-api/usage-cost/get-messages-usage-report
 * @see https://docs.anthropic.com/en/api/admin-api/usage-cost/get-cost-report
 */
export function createAnthropicUsageReport({
  adminKey,
  baseUrl = defaultAnthropicBaseUrl,
  fetch,
}: CreateAnthropicUsageReportInput): UsageReportClient {
  const common = { baseUrl, adminKey, ...(fetch ? { fetch } : {}) };
  return {
    provider: 'anthropic',
    name: 'Anthropic',
    async fetchUsage({ startTime, endTime, dimensions }) {
      const buckets = await fetchAnthropicReport<AnthropicUsageResult>({
        ...common,
        startTime,
        endTime,
        path: '/v1/organizations/usage_report/messages',
        groupBy: [
          'model',
          ...(dimensions.serviceTier ? ['service_tier'] : []),
          ...(dimensions.projectId ? ['workspace_id'] : []),
          ...(dimensions.apiKeyId ? ['api_key_id'] : []),
        ],
      });
      return convertAnthropicUsage({ buckets, dimensions });
    },
    async fetchCosts({ startTime, endTime, dimensions }) {
      const buckets = await fetchAnthropicReport<AnthropicCostResult>({
        ...common,
        startTime,
        endTime,
        path: '/v1/organizations/cost_report',
        groupBy: dimensions.projectId ? ['workspace_id'] : [],
      });
      return convertAnthropicCosts({ buckets });
    },
    describeLimitations: describeAnthropicLimitations,
    // No Anthropic API returns a past message's usage: an estimate stays one.
    settlesEstimates: false,
  };
}
