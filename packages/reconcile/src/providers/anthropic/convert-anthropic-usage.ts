import { formatUsageKey, type ReconcileDimensions, type UsageRow } from '../../usage-key.js';
import type { AnthropicReportBucket, AnthropicUsageResult } from './anthropic-admin-types.js';

/**
 * Turns the buckets of Anthropic's Messages usage report into rows keyed like the metered ones:
 * one per day, model, served tier (as reported: `standard`, `batch`, ...) and, when the meters
 * carry them, workspace (as the project) and API key. Input is every input token billed, as
 * meter-core's `prompt_tokens` counts it: uncached, cache reads and both cache writes; cache
 * writes in all, and the 1-hour ones apart (`cache_creation.ephemeral_1h_input_tokens`).
 * @see https://docs.anthropic.com/en/api/admin-api/usage-cost/get-messages-usage-report
 */
export function convertAnthropicUsage({
  buckets,
  dimensions,
}: {
  buckets: readonly AnthropicReportBucket<AnthropicUsageResult>[];
  dimensions: ReconcileDimensions;
}): UsageRow[] {
  const rows = new Map<string, UsageRow>();
  for (const bucket of buckets) {
    const day = bucket.starting_at.slice(0, 10);
    for (const result of bucket.results) {
      const key = {
        day,
        model: result.model ?? '(none)',
        serviceTier: dimensions.serviceTier ? (result.service_tier ?? '(none)') : '*',
        projectId: dimensions.projectId ? (result.workspace_id ?? '(none)') : '*',
        apiKeyId: dimensions.apiKeyId ? (result.api_key_id ?? '(none)') : '*',
      };
      const id = formatUsageKey(key);
      const row = rows.get(id) ?? {
        ...key,
        prompt_tokens: 0,
        cached_tokens: 0,
        cache_write_tokens: 0,
        cache_write_1h_tokens: 0,
        completion_tokens: 0,
      };
      const cacheWrites1h = result.cache_creation?.ephemeral_1h_input_tokens ?? 0;
      const cacheWrites = (result.cache_creation?.ephemeral_5m_input_tokens ?? 0) + cacheWrites1h;
      row.prompt_tokens +=
        result.uncached_input_tokens + result.cache_read_input_tokens + cacheWrites;
      row.cached_tokens += result.cache_read_input_tokens;
      row.cache_write_tokens = (row.cache_write_tokens ?? 0) + cacheWrites;
      row.cache_write_1h_tokens = (row.cache_write_1h_tokens ?? 0) + cacheWrites1h;
      row.completion_tokens += result.output_tokens;
      rows.set(id, row);
    }
  }
  return [...rows.values()];
}
