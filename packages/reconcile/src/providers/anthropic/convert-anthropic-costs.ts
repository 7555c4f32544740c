import type { ReportedCost } from '../../usage-report-client.js';
import type { AnthropicCostResult, AnthropicReportBucket } from './anthropic-admin-types.js';

/**
 * Turns the buckets of Anthropic's cost report into one amount per result: its UTC day, its
 * workspace as the project (`(none)` for the Default Workspace, which Anthropic reports as null)
 * and its value in USD (the report gives cents as a decimal string). A currency other than USD
 * is refused rather than added up.
 * @see https://docs.anthropic.com/en/api/admin-api/usage-cost/get-cost-report
 */
export function convertAnthropicCosts({
  buckets,
}: {
  buckets: readonly AnthropicReportBucket<AnthropicCostResult>[];
}): ReportedCost[] {
  return buckets.flatMap((bucket) =>
    bucket.results.map((result) => {
      const cents = Number(result.amount);
      if (result.currency !== 'USD' || !Number.isFinite(cents)) {
        throw new RangeError(
          `Anthropic's cost report of ${bucket.starting_at} has an amount of ${JSON.stringify(result.amount)} ${JSON.stringify(result.currency)}: only USD amounts in cents are compared`,
        );
      }
      return {
        day: bucket.starting_at.slice(0, 10),
        projectId: result.workspace_id ?? '(none)',
        usd: cents / 100,
      };
    }),
  );
}
