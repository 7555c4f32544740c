import { unixSecondsToDay } from '../../usage-key.js';
import type { ReportedCost } from '../../usage-report-client.js';
import type { OpenAIBucket, OpenAICostsResult } from './openai-organization-types.js';

/**
 * Turns the buckets of OpenAI's Costs API into one amount per result: its UTC day, its project
 * (`(none)` when the result has none) and its value.
 */
export function convertOpenAICosts({
  buckets,
}: {
  buckets: readonly OpenAIBucket<OpenAICostsResult>[];
}): ReportedCost[] {
  return buckets.flatMap((bucket) =>
    bucket.results.map((result) => ({
      day: unixSecondsToDay(bucket.start_time),
      projectId: result.project_id ?? '(none)',
      usd: result.amount.value,
    })),
  );
}
