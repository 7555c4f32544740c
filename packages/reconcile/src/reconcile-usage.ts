import type { OpenMeterMeterReader } from '@llm-meter/openmeter-client';
import { describePrices } from '@llm-meter/prices';
import { compareUsage, type DriftRow, isPastThreshold } from './compare-usage.js';
import {
  type DimensionNames,
  queryMeteredUsage,
  type ReconcileMeters,
} from './query-metered-usage.js';
import type { ReconcileDimensions } from './usage-key.js';
import type { UsageReportClient } from './usage-report-client.js';

/** Input of `reconcileUsage`. */
export interface ReconcileUsageInput {
  /** The meters read: a v1 client, or a v3 one through `createV3MeterReader`. */
  openmeter: OpenMeterMeterReader;
  /** The provider's own usage and cost reports, e.g. `createOpenAIUsageReport({ adminKey })`. */
  usageReport: UsageReportClient;
  /** First day, `YYYY-MM-DD` (UTC). */
  from: string;
  /** Last day, `YYYY-MM-DD` (UTC), included. */
  to: string;
  /** Percent of the provider's figure past which a row counts as drift. */
  threshold: number;
  /** Compare cost per day with the provider's billed costs (default true). */
  costs?: boolean;
  meters?: ReconcileMeters;
  dimensionNames?: DimensionNames;
}

/** The result of a reconciliation, as printed and as written by `--json`. */
export interface ReconcileReport {
  /** The provider whose reports the metered usage was set beside (`openai`, `anthropic`). */
  provider: string;
  /** Its name in messages (`OpenAI`, `Anthropic`). */
  providerName: string;
  from: string;
  to: string;
  threshold: number;
  dimensions: ReconcileDimensions;
  rows: DriftRow[];
  /** Rows past the threshold. */
  pastThreshold: number;
  /** Metered usage that has no price, so it is missing from the metered cost. */
  unpriced: string[];
  /** What this comparison cannot tell, in plain words. */
  limitations: string[];
  prices: string;
}

const dayPattern = /^\d{4}-\d{2}-\d{2}$/;
const secondsPerDay = 86_400;

/**
 * Sets OpenMeter's metered usage of one provider beside that provider's own usage report (and
 * the cost of the metered tokens beside its billed costs) for whole UTC days, from `from` to `to`
 * included.
 */
export async function reconcileUsage(input: ReconcileUsageInput): Promise<ReconcileReport> {
  const start = parseDay({ name: 'from', value: input.from });
  const last = parseDay({ name: 'to', value: input.to });
  if (last < start) {
    throw new RangeError(`--to (${input.to}) is before --from (${input.from})`);
  }
  if (!Number.isFinite(input.threshold) || input.threshold < 0) {
    throw new RangeError(`threshold must be a percentage >= 0, got ${input.threshold}`);
  }
  const startTime = start.getTime() / 1000;
  const endTime = last.getTime() / 1000 + secondsPerDay;
  const metered = await queryMeteredUsage({
    client: input.openmeter,
    from: start,
    to: new Date(endTime * 1000),
    meters: input.meters,
    dimensionNames: input.dimensionNames,
    provider: input.usageReport.provider,
  });
  const { dimensions } = metered;
  const query = { startTime, endTime, dimensions };
  const [reported, costs] = await Promise.all([
    input.usageReport.fetchUsage(query),
    input.costs === false ? Promise.resolve(undefined) : input.usageReport.fetchCosts(query),
  ]);
  const comparison = compareUsage({
    metered: metered.rows,
    reported,
    costs,
    dimensions,
    provider: input.usageReport.provider,
  });
  return {
    provider: input.usageReport.provider,
    providerName: input.usageReport.name,
    from: input.from,
    to: input.to,
    threshold: input.threshold,
    dimensions,
    rows: comparison.rows,
    pastThreshold: comparison.rows.filter((row) =>
      isPastThreshold({ row, threshold: input.threshold }),
    ).length,
    unpriced: comparison.unpriced,
    limitations: [
      ...input.usageReport.describeLimitations(dimensions),
      ...(metered.otherProviders.length > 0
        ? [
            `Metered usage of other providers (${metered.otherProviders.join(', ')}) is left out: ${input.usageReport.name}'s usage covers ${input.usageReport.name} only.`,
          ]
        : []),
    ],
    prices: describePrices(),
  };
}

function parseDay({ name, value }: { name: string; value: string }): Date {
  const date = new Date(`${value}T00:00:00.000Z`);
  if (!dayPattern.test(value) || Number.isNaN(date.getTime())) {
    throw new RangeError(
      `--${name} must be a day as YYYY-MM-DD (UTC), got ${JSON.stringify(value)}`,
    );
  }
  return date;
}
