import {
  formatUsageKey,
  type ReconcileDimensions,
  type UsageRow,
  unixSecondsToDay,
} from '../../usage-key.js';
import type {
  OpenAIBucket,
  OpenAIUsageCompletionsResult,
  OpenAIUsageEmbeddingsResult,
} from './openai-organization-types.js';

/**
 * Turns the buckets of OpenAI's completions and embeddings usage into rows keyed like the metered
 * ones: one per day, model, served tier (`batch` for Batch API usage, `default` when none is
 * reported, as for embeddings, whose report has no tier) and, when the meters carry them, project
 * and API key. Embeddings count input tokens only. Results for the same key are added up.
 */
export function convertOpenAIUsage({
  buckets,
  dimensions,
}: {
  buckets: readonly OpenAIBucket<OpenAIUsageCompletionsResult | OpenAIUsageEmbeddingsResult>[];
  dimensions: ReconcileDimensions;
}): UsageRow[] {
  const rows = new Map<string, UsageRow>();
  for (const bucket of buckets) {
    const day = unixSecondsToDay(bucket.start_time);
    for (const result of bucket.results) {
      const completions = isCompletionsResult(result) ? result : undefined;
      const tier = completions?.batch ? 'batch' : (completions?.service_tier ?? 'default');
      const key = {
        day,
        model: result.model ?? '(none)',
        serviceTier: dimensions.serviceTier ? tier : '*',
        projectId: dimensions.projectId ? (result.project_id ?? '(none)') : '*',
        apiKeyId: dimensions.apiKeyId ? (result.api_key_id ?? '(none)') : '*',
      };
      const id = formatUsageKey(key);
      const row = rows.get(id) ?? {
        ...key,
        prompt_tokens: 0,
        cached_tokens: 0,
        completion_tokens: 0,
        requests: 0,
      };
      row.prompt_tokens += result.input_tokens;
      row.cached_tokens += completions?.input_cached_tokens ?? 0;
      row.completion_tokens += completions?.output_tokens ?? 0;
      row.requests = (row.requests ?? 0) + result.num_model_requests;
      rows.set(id, row);
    }
  }
  return [...rows.values()];
}

function isCompletionsResult(
  result: OpenAIUsageCompletionsResult | OpenAIUsageEmbeddingsResult,
): result is OpenAIUsageCompletionsResult {
  return result.object !== 'organization.usage.embeddings.result';
}
