import type { OpenAIBucket, OpenAIUsageCompletionsResult } from './openai-organization-types.js';
import {
  formatUsageKey,
  type ReconcileDimensions,
  type UsageRow,
  unixSecondsToDay,
} from './usage-key.js';

/**
 * Turns the buckets of OpenAI's completions usage into rows keyed like the metered ones: one per
 * day, model, served tier (`batch` for Batch API usage, `default` when none is reported) and, when
 * the meters carry them, project and API key. Results for the same key are added up.
 * @see https://platform.openai.com/docs/api-reference/usage/completions
 */
export function convertOpenAIUsage({
  buckets,
  dimensions,
}: {
  buckets: readonly OpenAIBucket<OpenAIUsageCompletionsResult>[];
  dimensions: ReconcileDimensions;
}): UsageRow[] {
  const rows = new Map<string, UsageRow>();
  for (const bucket of buckets) {
    const day = unixSecondsToDay(bucket.start_time);
    for (const result of bucket.results) {
      const tier = result.batch ? 'batch' : (result.service_tier ?? 'default');
      const key = {
        day,
        model: result.model ?? '(none)',
        serviceTier: dimensions.serviceTier ? tier : '*',
        projectId: dimensions.projectId ? (result.project_id ?? '(none)') : '*',
        apiKeyId: dimensions.apiKeyId ? (result.api_key_id ?? '(none)') : '*',
      };
      const id = formatUsageKey(key);
      const row = rows.get(id) ?? { ...key, input: 0, cached: 0, output: 0, requests: 0 };
      row.input += result.input_tokens;
      row.cached += result.input_cached_tokens ?? 0;
      row.output += result.output_tokens;
      row.requests = (row.requests ?? 0) + result.num_model_requests;
      rows.set(id, row);
    }
  }
  return [...rows.values()];
}
