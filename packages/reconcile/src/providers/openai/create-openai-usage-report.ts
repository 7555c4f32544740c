import type { UsageReportClient } from '../../usage-report-client.js';
import { convertOpenAICosts } from './convert-openai-costs.js';
import { convertOpenAIUsage } from './convert-openai-usage.js';
import { describeOpenAILimitations } from './describe-openai-limitations.js';
import { defaultOpenAIBaseUrl, fetchOpenAIBuckets } from './fetch-openai-buckets.js';
import type {
  OpenAICostsResult,
  OpenAIUsageCompletionsResult,
  OpenAIUsageEmbeddingsResult,
} from './openai-organization-types.js';

/** Input of `createOpenAIUsageReport`. */
export interface CreateOpenAIUsageReportInput {
  /** An organisation admin key (`OPENAI_ADMIN_KEY`); organisation endpoints refuse project keys. */
  adminKey: string;
  /** Default `https://api.openai.com/v1`; openai-local's `http://127.0.0.1:PORT/v1` serves the same API. */
  baseUrl?: string | undefined;
  fetch?: typeof globalThis.fetch | undefined;
}

/**
 * Reads OpenAI's organisation Usage API (its completions and embeddings reports, grouped by model
 * and the dimensions the meters carry) and Costs API (by line item, and project when split by
 * project), for `reconcileUsage`.
 * @see https://platform.openai.com/docs/api-reference/usage
 */
export function createOpenAIUsageReport({
  adminKey,
  baseUrl = defaultOpenAIBaseUrl,
  fetch,
}: CreateOpenAIUsageReportInput): UsageReportClient {
  const common = { baseUrl, adminKey, ...(fetch ? { fetch } : {}) };
  return {
    provider: 'openai',
    name: 'OpenAI',
    async fetchUsage({ startTime, endTime, dimensions }) {
      const groupBy = [
        'model',
        ...(dimensions.serviceTier ? ['service_tier', 'batch'] : []),
        ...(dimensions.projectId ? ['project_id'] : []),
        ...(dimensions.apiKeyId ? ['api_key_id'] : []),
      ];
      // The embeddings report has no served tier or batch: grouping by them is refused there.
      const embeddingsGroupBy = groupBy.filter(
        (field) => field !== 'service_tier' && field !== 'batch',
      );
      const [completions, embeddings] = await Promise.all([
        fetchOpenAIBuckets<OpenAIUsageCompletionsResult>({
          ...common,
          startTime,
          endTime,
          path: '/organization/usage/completions',
          groupBy,
        }),
        fetchOpenAIBuckets<OpenAIUsageEmbeddingsResult>({
          ...common,
          startTime,
          endTime,
          path: '/organization/usage/embeddings',
          groupBy: embeddingsGroupBy,
        }),
      ]);
      return convertOpenAIUsage({ buckets: [...completions, ...embeddings], dimensions });
    },
    async fetchCosts({ startTime, endTime, dimensions }) {
      const buckets = await fetchOpenAIBuckets<OpenAICostsResult>({
        ...common,
        startTime,
        endTime,
        path: '/organization/costs',
        groupBy: dimensions.projectId ? ['line_item', 'project_id'] : ['line_item'],
      });
      return convertOpenAICosts({ buckets });
    },
    describeLimitations: describeOpenAILimitations,
  };
}
