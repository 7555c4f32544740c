import type { OpenMeterMeterReader } from '@llm-meter/openmeter-client';
import { describePrices } from '@llm-meter/prices';
import { compareUsage, type DriftRow, isPastThreshold } from './compare-usage.js';
import {
  type DimensionNames,
  type OptionalMeterField,
  queryMeteredUsage,
  type ReconcileMeters,
} from './query-metered-usage.js';
import type { ReconcileDimensions, UsageRow } from './usage-key.js';
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
  /**
   * Rows of known drift (marked `~`): their difference is no larger than metered estimates the
   * provider cannot settle (its `settlesEstimates` is false), so it is what those estimates
   * missed or overcounted, not counted past the threshold.
   */
  knownDrift: number;
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
  const rows =
    input.usageReport.settlesEstimates === false
      ? markKnownDrift(comparison.rows)
      : comparison.rows;
  return {
    provider: input.usageReport.provider,
    providerName: input.usageReport.name,
    from: input.from,
    to: input.to,
    threshold: input.threshold,
    dimensions,
    rows,
    pastThreshold: rows.filter((row) => isPastThreshold({ row, threshold: input.threshold }))
      .length,
    knownDrift: rows.filter((row) => row.knownDrift === true).length,
    unpriced: comparison.unpriced,
    limitations: [
      ...input.usageReport.describeLimitations(dimensions),
      ...describeMissingMeters({ missing: metered.missingMeters, reported }),
      ...(metered.otherProviders.length > 0
        ? [
            `Metered usage of other providers (${metered.otherProviders.join(', ')}) is left out: ${input.usageReport.name}'s usage covers ${input.usageReport.name} only.`,
          ]
        : []),
    ],
    prices: describePrices(),
  };
}

// What a reconciliation cannot do without each optional meter.
const withoutMeter: Record<OptionalMeterField, string> = {
  cache_write_tokens:
    'cache writes are not compared, and the metered cost prices them as input, below their rate',
  cache_write_1h_tokens:
    'the 1-hour cache writes are not compared apart, and the metered cost prices every cache write at the 5-minute rate, below the 1-hour one',
};

/**
 * Names each optional meter the OpenMeter lacks whose field the provider's report has, and what
 * the comparison misses without it.
 */
function describeMissingMeters({
  missing,
  reported,
}: {
  missing: ReadonlyArray<{ field: OptionalMeterField; slug: string }>;
  reported: readonly UsageRow[];
}): string[] {
  return missing
    .filter(({ field }) => reported.some((row) => row[field] !== undefined))
    .map(
      ({ field, slug }) =>
        `No ${slug} meter: ${withoutMeter[field]}. Create it (packages/meter-core/meters/meters-api.json, see the README, "Meters to create"); nothing is deleted.`,
    );
}

/**
 * Marks the known drift of a provider that cannot settle estimates: a token row whose difference
 * is no larger than its estimated tokens, and a cost row whose day (and project) differs only in
 * such token rows. A row with a larger difference stays drift: estimates cannot explain it.
 */
function markKnownDrift(rows: readonly DriftRow[]): DriftRow[] {
  const explained = (row: DriftRow) =>
    row.difference !== 0 && row.estimated > 0 && Math.abs(row.difference) <= row.estimated;
  const costKey = (row: DriftRow) => `${row.day}\u0000${row.projectId}`;
  const tokenRows = rows.filter((row) => row.metric !== 'cost_usd' && row.metric !== 'requests');
  return rows.map((row) => {
    if (row.metric === 'cost_usd') {
      if (row.difference === 0) return row;
      // Cost rows and token rows name the project alike (`*` when not split by project).
      const sameDay = tokenRows.filter(
        (token) => token.difference !== 0 && costKey(token) === costKey(row),
      );
      return sameDay.length > 0 && sameDay.every(explained) ? { ...row, knownDrift: true } : row;
    }
    return explained(row) ? { ...row, knownDrift: true } : row;
  });
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
