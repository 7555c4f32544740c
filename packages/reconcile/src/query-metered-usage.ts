import type { MeterQueryRow, OpenMeterMeterReader } from '@llm-meter/openmeter-client';
import {
  formatUsageKey,
  type MeteredUsageRow,
  type ReconcileDimensions,
  type ReconciledTokens,
} from './usage-key.js';

/**
 * Slugs of the meters read for each token count, by the usage record's field they sum. The
 * cache-write meters are read when they exist (a deployment created before them has none).
 */
export type ReconcileMeters = { [Field in keyof ReconciledTokens]-?: string };

/** The shipped meters of `@llm-meter/meter-core`. */
export const defaultReconcileMeters: ReconcileMeters = {
  prompt_tokens: 'llm_prompt_tokens',
  cached_tokens: 'llm_cached_tokens',
  completion_tokens: 'llm_completion_tokens',
  cache_write_tokens: 'llm_cache_write_tokens',
  cache_write_1h_tokens: 'llm_cache_write_1h_tokens',
};

/** The meters a reconciliation does without, by the usage record's field they sum. */
export type OptionalMeterField = 'cache_write_tokens' | 'cache_write_1h_tokens';

// Without them, cache writes are priced as input, and 1-hour writes at the 5-minute rate.
const optionalMeters = new Set<keyof ReconcileMeters>([
  'cache_write_tokens',
  'cache_write_1h_tokens',
]);

/** Names of the meter dimensions that carry the served tier, the provider's project and API key. */
export interface DimensionNames {
  serviceTier: string;
  projectId: string;
  apiKeyId: string;
}

/** Dimension names written by `@llm-meter/meter-core` (tier) and suggested for project and key. */
export const defaultDimensionNames: DimensionNames = {
  serviceTier: 'service_tier',
  projectId: 'project_id',
  apiKeyId: 'api_key_id',
};

/**
 * Queries OpenMeter for metered tokens of one provider (when the meters carry `provider`) per UTC
 * day and model, split by served tier, project and
 * API key when every meter read carries that dimension, and by `usage_source` to tell how much is
 * estimated and how much settlement corrected. Events without a tier count as `default`.
 * @see https://openmeter.io/docs/api/cloud#tag/meters/operation/queryMeter
 */
export async function queryMeteredUsage({
  client,
  from,
  to,
  meters = defaultReconcileMeters,
  dimensionNames = defaultDimensionNames,
  provider,
}: {
  client: OpenMeterMeterReader;
  from: Date;
  to: Date;
  meters?: ReconcileMeters;
  dimensionNames?: DimensionNames;
  /** Only usage of this provider is compared (events without `provider` count as it). */
  provider: string;
}): Promise<{
  rows: MeteredUsageRow[];
  dimensions: ReconcileDimensions;
  /** Providers whose metered usage was left out (a provider's report covers its own usage only). */
  otherProviders: string[];
  /** Optional meters the OpenMeter does not have (their fields are then not compared). */
  missingMeters: Array<{ field: OptionalMeterField; slug: string }>;
}> {
  const listed = Object.entries(meters) as Array<[keyof ReconcileMeters, string]>;
  const found = await Promise.all(
    listed.map(([field, slug]) =>
      client.meters.get(slug).catch((error: unknown) => {
        if (optionalMeters.has(field) && (error as { status?: unknown })?.status === 404)
          return undefined;
        throw error;
      }),
    ),
  );
  const entries = listed.filter((_, index) => found[index] !== undefined);
  const missingMeters = listed
    .filter((_, index) => found[index] === undefined)
    .map(([field, slug]) => ({ field: field as OptionalMeterField, slug }));
  // Every row carries each optional field read (0 where a row has none of it).
  const optionalFields = entries
    .filter(([field]) => optionalMeters.has(field))
    .map(([field]) => [field, 0] as const);
  const definitions = found.filter((meter) => meter !== undefined);
  const carries = (name: string) =>
    definitions.every((meter) => Object.hasOwn(meter.groupBy ?? {}, name));
  const dimensions: ReconcileDimensions = {
    serviceTier: carries(dimensionNames.serviceTier),
    projectId: carries(dimensionNames.projectId),
    apiKeyId: carries(dimensionNames.apiKeyId),
  };
  const byProvider = carries('provider');
  const groupBy = [
    'model',
    ...(byProvider ? ['provider'] : []),
    ...(carries('usage_source') ? ['usage_source'] : []),
    ...(dimensions.serviceTier ? [dimensionNames.serviceTier] : []),
    ...(dimensions.projectId ? [dimensionNames.projectId] : []),
    ...(dimensions.apiKeyId ? [dimensionNames.apiKeyId] : []),
  ];
  const results = await Promise.all(
    entries.map(([, slug]) =>
      client.meters.query(slug, { from, to, windowSize: 'DAY', windowTimeZone: 'UTC', groupBy }),
    ),
  );
  const rows = new Map<string, MeteredUsageRow>();
  const otherProviders = new Set<string>();
  entries.forEach(([metric], index) => {
    for (const item of results[index]?.data ?? []) {
      const group = item.groupBy ?? {};
      const itemProvider = byProvider ? group.provider : undefined;
      if (typeof itemProvider === 'string' && itemProvider !== '' && itemProvider !== provider) {
        otherProviders.add(itemProvider);
        continue;
      }
      const text = (name: string, fallback: string) => {
        const value = group[name];
        return value === null || value === undefined || value === '' ? fallback : String(value);
      };
      const key = {
        day: item.windowStart.slice(0, 10),
        model: text('model', '(none)'),
        serviceTier: dimensions.serviceTier ? text(dimensionNames.serviceTier, 'default') : '*',
        projectId: dimensions.projectId ? text(dimensionNames.projectId, '(none)') : '*',
        apiKeyId: dimensions.apiKeyId ? text(dimensionNames.apiKeyId, '(none)') : '*',
      };
      const id = formatUsageKey(key);
      let row = rows.get(id);
      if (!row) {
        row = {
          ...key,
          prompt_tokens: 0,
          cached_tokens: 0,
          completion_tokens: 0,
          ...Object.fromEntries(optionalFields),
          estimatedInput: 0,
          estimatedOutput: 0,
        };
        rows.set(id, row);
      }
      add({ row, metric, item, source: group.usage_source });
    }
  });
  return {
    rows: [...rows.values()],
    dimensions,
    otherProviders: [...otherProviders].sort(),
    missingMeters,
  };
}

function add({
  row,
  metric,
  item,
  source,
}: {
  row: MeteredUsageRow;
  metric: keyof ReconcileMeters;
  item: MeterQueryRow;
  source: unknown;
}) {
  row[metric] = (row[metric] ?? 0) + item.value;
  if (source === 'estimated') {
    if (metric === 'prompt_tokens') row.estimatedInput += item.value;
    if (metric === 'completion_tokens') row.estimatedOutput += item.value;
  }
  if (source === 'settled') {
    if (metric === 'prompt_tokens') row.settledInput = (row.settledInput ?? 0) + item.value;
    if (metric === 'completion_tokens') {
      row.settledOutput = (row.settledOutput ?? 0) + item.value;
    }
  }
}
