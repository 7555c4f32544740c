import { priceUsage } from '@llm-meter/prices';
import {
  formatUsageKey,
  type MeteredUsageRow,
  type ReconcileDimensions,
  type ReconciledTokens,
  type UsageKey,
  type UsageRow,
} from './usage-key.js';
import type { ReportedCost } from './usage-report-client.js';

/** What a drift row compares. */
export type DriftMetric =
  | 'input'
  | 'cached'
  | 'cache_write'
  | 'cache_write_1h'
  | 'output'
  | 'requests'
  | 'cost_usd';

/**
 * One line of the drift table: a metric of one key, metered beside the provider's report
 * (`reported`), with the difference (metered minus reported) and the percentage of the reported
 * figure. `percent` is null when the provider reports nothing but something was metered (or the
 * other way round with the reported figure at zero).
 */
export interface DriftRow extends UsageKey {
  metric: DriftMetric;
  metered: number;
  /** The provider's own figure, from its usage or cost report. */
  reported: number;
  difference: number;
  percent: number | null;
  /** Of `metered`, how much comes from estimates (tokens; not for cost or requests). */
  estimated: number;
  /** Of `metered`, the signed corrections settlement made to estimates. */
  settled: number;
  /**
   * The difference is no larger than estimates the provider cannot settle (`reconcileUsage` sets
   * it): known drift, not counted past the threshold.
   */
  knownDrift?: boolean | undefined;
}

/** The comparison of a period: its drift rows and what could not be compared. */
export interface UsageComparison {
  rows: DriftRow[];
  /** Metered rows that could not be priced (their cost is left out of `cost_usd`), with why. */
  unpriced: string[];
}

/**
 * Each token metric of the drift table and the usage record's field it compares, the key of its
 * meter in `ReconcileMeters` (so a drift row's metered figure can be traced to its meter query).
 * @see https://platform.openai.com/docs/api-reference/usage
 */
export const driftTokenFields = {
  input: 'prompt_tokens',
  cached: 'cached_tokens',
  cache_write: 'cache_write_tokens',
  cache_write_1h: 'cache_write_1h_tokens',
  output: 'completion_tokens',
} as const satisfies { [Metric in DriftMetric]?: keyof ReconciledTokens };
const optionalTokenFields = new Set<keyof ReconciledTokens>([
  'cache_write_tokens',
  'cache_write_1h_tokens',
]);
// Float sums of prices differ in the last bits; below this a cost difference is no drift.
const costEpsilon = 1e-9;

/**
 * Sets metered usage beside the provider's report (`reported`), key by key (day × model × served
 * tier, and project or API key when the meters carry them), for input, cached and output tokens,
 * requests when both sides count them, and, when the provider's costs are given, the cost per day
 * (and project) of the metered tokens priced with `priceUsage` against the provider's billed amount.
 * @see https://platform.openai.com/docs/api-reference/usage
 */
export function compareUsage({
  metered,
  reported,
  costs,
  dimensions,
  provider,
}: {
  /** The provider whose usage is compared, for its prices (default `openai`). */
  provider?: string | undefined;
  metered: readonly MeteredUsageRow[];
  /** The provider's usage report, in the same keys. */
  reported: readonly UsageRow[];
  costs?: readonly ReportedCost[] | undefined;
  dimensions: ReconcileDimensions;
}): UsageComparison {
  const meteredByKey = new Map(metered.map((row) => [formatUsageKey(row), row]));
  const reportedByKey = new Map(reported.map((row) => [formatUsageKey(row), row]));
  const keys = new Map<string, UsageKey>();
  for (const row of [...metered, ...reported]) keys.set(formatUsageKey(row), pickKey(row));
  const rows: DriftRow[] = [];
  for (const [id, key] of [...keys].sort(([a], [b]) => a.localeCompare(b))) {
    const mine = meteredByKey.get(id);
    const theirs = reportedByKey.get(id);
    for (const [metric, field] of Object.entries(driftTokenFields) as Array<
      [keyof typeof driftTokenFields, keyof ReconciledTokens]
    >) {
      const [estimated, settled] =
        metric === 'input'
          ? [mine?.estimatedInput ?? 0, mine?.settledInput ?? 0]
          : metric === 'output'
            ? [mine?.estimatedOutput ?? 0, mine?.settledOutput ?? 0]
            : [0, 0];
      // Cache writes are compared only where both sides count them: a meter may be missing
      // (a deployment created before it), and some providers' reports have none (OpenAI's).
      const counts = (row: ReconciledTokens | undefined) =>
        row === undefined || row[field] !== undefined;
      if (optionalTokenFields.has(field) && !(counts(mine) && counts(theirs))) continue;
      pushDrift(rows, {
        key,
        metric,
        metered: mine?.[field] ?? 0,
        reported: theirs?.[field] ?? 0,
        estimated,
        settled,
      });
    }
    if (mine?.requests !== undefined && theirs?.requests !== undefined) {
      pushDrift(rows, {
        key,
        metric: 'requests',
        metered: mine.requests,
        reported: theirs.requests,
        estimated: 0,
        settled: 0,
      });
    }
  }
  const unpriced: string[] = [];
  if (costs) rows.push(...compareCosts({ metered, costs, dimensions, unpriced, provider }));
  return { rows, unpriced };
}

function compareCosts({
  metered,
  costs,
  dimensions,
  unpriced,
  provider,
}: {
  metered: readonly MeteredUsageRow[];
  costs: readonly ReportedCost[];
  dimensions: ReconcileDimensions;
  unpriced: string[];
  provider: string | undefined;
}): DriftRow[] {
  const costKey = (day: string, projectId: string): UsageKey => ({
    day,
    model: '*',
    serviceTier: '*',
    projectId: dimensions.projectId ? projectId : '*',
    apiKeyId: '*',
  });
  const sums = new Map<string, { key: UsageKey; metered: number; reported: number }>();
  const entry = (key: UsageKey) => {
    const id = formatUsageKey(key);
    let sum = sums.get(id);
    if (!sum) {
      sum = { key, metered: 0, reported: 0 };
      sums.set(id, sum);
    }
    return sum;
  };
  for (const row of metered) {
    const price = priceUsage({
      model: row.model,
      provider,
      serviceTier: row.serviceTier === '*' ? undefined : row.serviceTier,
      at: new Date(`${row.day}T00:00:00.000Z`),
      usage: row,
    });
    if (price.status === 'unpriced') {
      unpriced.push(`${row.day} ${row.model} ${row.serviceTier}: ${price.message}`);
      continue;
    }
    entry(costKey(row.day, row.projectId)).metered += price.usd;
  }
  for (const cost of costs) entry(costKey(cost.day, cost.projectId)).reported += cost.usd;
  const rows: DriftRow[] = [];
  for (const { key, metered: mine, reported: theirs } of sums.values()) {
    const difference = Math.abs(mine - theirs) < costEpsilon ? 0 : mine - theirs;
    rows.push({
      ...key,
      metric: 'cost_usd',
      metered: mine,
      reported: theirs,
      difference,
      percent: percentOf({ difference, base: theirs }),
      estimated: 0,
      settled: 0,
    });
  }
  return rows.sort((a, b) => formatUsageKey(a).localeCompare(formatUsageKey(b)));
}

function pushDrift(
  rows: DriftRow[],
  {
    key,
    metric,
    metered,
    reported,
    estimated,
    settled,
  }: {
    key: UsageKey;
    metric: DriftMetric;
    metered: number;
    reported: number;
    estimated: number;
    settled: number;
  },
) {
  if (metered === 0 && reported === 0) return;
  const difference = metered - reported;
  rows.push({
    ...key,
    metric,
    metered,
    reported,
    difference,
    percent: percentOf({ difference, base: reported }),
    estimated,
    settled,
  });
}

function percentOf({ difference, base }: { difference: number; base: number }): number | null {
  if (difference === 0) return 0;
  if (base === 0) return null;
  return (difference / base) * 100;
}

function pickKey(row: UsageKey): UsageKey {
  return {
    day: row.day,
    model: row.model,
    serviceTier: row.serviceTier,
    projectId: row.projectId,
    apiKeyId: row.apiKeyId,
  };
}

/**
 * Whether a drift row is past the threshold (percent of OpenAI's): a difference where OpenAI
 * reports nothing always is; known drift (estimates the provider cannot settle) never is.
 */
export function isPastThreshold({ row, threshold }: { row: DriftRow; threshold: number }): boolean {
  if (row.difference === 0 || row.knownDrift === true) return false;
  return row.percent === null || Math.abs(row.percent) > threshold;
}
