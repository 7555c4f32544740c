import type { OpenMeterClient } from '@llm-meter/openmeter-client';
import { describePrices } from '../prices-version.js';
import { compareUsage, type DriftRow, isPastThreshold } from './compare-usage.js';
import { convertOpenAIUsage } from './convert-openai-usage.js';
import { fetchOpenAIBuckets } from './fetch-openai-buckets.js';
import type {
  OpenAICostsResult,
  OpenAIUsageCompletionsResult,
  OpenAIUsageEmbeddingsResult,
} from './openai-organization-types.js';
import {
  type DimensionNames,
  queryMeteredUsage,
  type ReconcileMeters,
} from './query-metered-usage.js';
import type { ReconcileDimensions } from './usage-key.js';

/** Input of `reconcileUsage`. */
export interface ReconcileUsageInput {
  openmeter: OpenMeterClient;
  openai: { baseUrl: string; adminKey: string; fetch?: typeof globalThis.fetch };
  /** First day, `YYYY-MM-DD` (UTC). */
  from: string;
  /** Last day, `YYYY-MM-DD` (UTC), included. */
  to: string;
  /** Percent of OpenAI's figure past which a row counts as drift. */
  threshold: number;
  /** Compare cost per day with OpenAI's Costs API (default true). */
  costs?: boolean;
  meters?: ReconcileMeters;
  dimensionNames?: DimensionNames;
}

/** The result of a reconciliation, as printed and as written by `--json`. */
export interface ReconcileReport {
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
 * Sets OpenMeter's metered usage beside OpenAI's organisation Usage API (its completions and
 * embeddings reports; the cost of the metered tokens beside the Costs API) for whole UTC days,
 * from `from` to `to` included.
 * @see https://platform.openai.com/docs/api-reference/usage
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
  });
  const { dimensions } = metered;
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
  const common = { ...input.openai, startTime, endTime };
  const [completionsBuckets, embeddingsBuckets, costBuckets] = await Promise.all([
    fetchOpenAIBuckets<OpenAIUsageCompletionsResult>({
      ...common,
      path: '/organization/usage/completions',
      groupBy,
    }),
    fetchOpenAIBuckets<OpenAIUsageEmbeddingsResult>({
      ...common,
      path: '/organization/usage/embeddings',
      groupBy: embeddingsGroupBy,
    }),
    input.costs === false
      ? Promise.resolve(undefined)
      : fetchOpenAIBuckets<OpenAICostsResult>({
          ...common,
          path: '/organization/costs',
          groupBy: dimensions.projectId ? ['line_item', 'project_id'] : ['line_item'],
        }),
  ]);
  const comparison = compareUsage({
    metered: metered.rows,
    openai: convertOpenAIUsage({
      buckets: [...completionsBuckets, ...embeddingsBuckets],
      dimensions,
    }),
    costs: costBuckets,
    dimensions,
  });
  return {
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
      ...describeLimitations(dimensions),
      ...(metered.otherProviders.length > 0
        ? [
            `Metered usage of other providers (${metered.otherProviders.join(', ')}) is left out: OpenAI's usage covers OpenAI only.`,
          ]
        : []),
    ],
    prices: describePrices(),
  };
}

/** Says plainly what a reconciliation with these dimensions cannot tell. */
export function describeLimitations(dimensions: ReconcileDimensions): string[] {
  const limitations = [
    "OpenAI's usage has no end-customer dimension: this compares totals per model and day, not per customer. Per-customer reconciliation needs one OpenAI project or API key per customer, carried on the events as a project_id or api_key_id dimension.",
    "OpenAI's costs of a day cover every line item billed to the organisation (tools, audio, images, other apps); the metered cost covers the metered completions and embeddings tokens only, priced with @llm-meter/prices.",
    'Requests are not compared: the shipped meters sum tokens and count no requests.',
  ];
  if (!dimensions.serviceTier) {
    limitations.push(
      'The meters carry no service_tier dimension: all tiers of a model are compared together.',
    );
  }
  if (!dimensions.projectId && !dimensions.apiKeyId) {
    limitations.push(
      "The meters carry no project_id or api_key_id: usage of the organisation's other projects and keys shows as drift.",
    );
  }
  return limitations;
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
