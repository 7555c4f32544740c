import type { OpenMeterMeterReader } from '../create-client.js';
import { OpenMeterError } from '../errors.js';
import type { MeterQueryParams, MeterQueryResult, Meter as MeterV1, WindowSize } from '../types.js';
import type { OpenMeterV3Client } from './create-open-meter-v3-client.js';
import type { Meter, MeterQueryRequest } from './types.js';

const GRANULARITIES: Record<WindowSize, NonNullable<MeterQueryRequest['granularity']>> = {
  MINUTE: 'PT1M',
  HOUR: 'PT1H',
  DAY: 'P1D',
  MONTH: 'P1M',
};

/**
 * Reads meters of the v3 API through the v1 client's `meters.get(slug)` and
 * `meters.query(slug, params)`, so code that reads usage (the apps' usage table, the
 * reconciliation) runs on either API unchanged: a key is looked up with `filter[key]` (its ULID
 * cached), `windowSize` becomes `granularity`, `groupBy` `group_by_dimensions`, `subject` and
 * `filterGroupBy` `filters.dimensions` (`in`), and each row's decimal `value` a number, with
 * `windowStart`, `windowEnd`, `subject` and `groupBy` as v1 answers them. A meter missing on v3 is
 * an `OpenMeterError` 404, as on v1. `advancedMeterGroupByFilters` and `filterCustomerId` are
 * refused (v1 only).
 * @see https://github.com/openmeterio/openmeter/blob/main/api/v3/openapi.yaml
 */
export function createV3MeterReader({
  client,
}: {
  client: OpenMeterV3Client;
}): OpenMeterMeterReader {
  const ids = new Map<string, Promise<Meter>>();
  const find = (slug: string): Promise<Meter> => {
    let found = ids.get(slug);
    if (!found) {
      found = client.meters.list({ filter: { key: slug } }).then(({ data }) => {
        const meter = data.find((candidate) => candidate.key === slug);
        if (!meter) {
          ids.delete(slug);
          throw new OpenMeterError(404, undefined, {
            method: 'GET',
            url: `(v3) meters?filter[key]=${slug}`,
            statusText: `Not Found: no v3 meter with key ${slug}`,
          });
        }
        return meter;
      });
      found.catch(() => ids.delete(slug));
      ids.set(slug, found);
    }
    return found;
  };
  return {
    meters: {
      async get(slug) {
        return convertMeterToV1(await find(slug));
      },
      async query(slug, params = {}) {
        const meter = await find(slug);
        return convertResultToV1({
          result: await client.meters.query(meter.id, convertMeterQueryToV3(params)),
          params,
        });
      },
    },
  };
}

function convertMeterToV1(meter: Meter): MeterV1 {
  return {
    id: meter.id,
    slug: meter.key,
    name: meter.name,
    ...(meter.description ? { description: meter.description } : {}),
    aggregation: meter.aggregation.toUpperCase() as MeterV1['aggregation'],
    eventType: meter.event_type,
    ...(meter.value_property ? { valueProperty: meter.value_property } : {}),
    groupBy: meter.dimensions ?? {},
    ...(meter.events_from ? { eventFrom: meter.events_from } : {}),
    createdAt: meter.created_at,
    updatedAt: meter.updated_at,
    ...(meter.deleted_at ? { deletedAt: meter.deleted_at } : {}),
  } as MeterV1;
}

/**
 * The v3 meter query body (`POST /openmeter/meters/{meterId}/query`) of v1 query parameters, as
 * `createV3MeterReader` sends it: `windowSize` becomes `granularity`, `windowTimeZone`
 * `time_zone` (UTC when absent, v1's default too), `groupBy` `group_by_dimensions` (with
 * `subject` when filtering by subject, as v1 groups), `subject` and `filterGroupBy`
 * `filters.dimensions` (`in`). Throws a `TypeError` for the v1-only `advancedMeterGroupByFilters`
 * and `filterCustomerId`. A dashboard shows the body beside the numbers it produced.
 * @see https://github.com/openmeterio/openmeter/blob/main/api/v3/openapi.yaml
 */
export function convertMeterQueryToV3(params: MeterQueryParams): MeterQueryRequest {
  if (params.advancedMeterGroupByFilters || params.filterCustomerId) {
    throw new TypeError(
      'advancedMeterGroupByFilters and filterCustomerId are v1 query parameters: query the v3 client directly (filters.dimensions).',
    );
  }
  const time = (value: Date | string | undefined) =>
    value === undefined ? undefined : value instanceof Date ? value.toISOString() : value;
  const dimensions: Record<string, { in: string[] }> = {};
  if (params.subject) dimensions.subject = { in: [...params.subject] };
  for (const [key, value] of Object.entries(params.filterGroupBy ?? {})) {
    dimensions[key] = { in: Array.isArray(value) ? value : [String(value)] };
  }
  const from = time(params.from);
  const to = time(params.to);
  // v1 groups by subject whenever it filters by subject: keep that shape.
  const groupBy = [
    ...(params.subject && !params.groupBy?.includes('subject') ? ['subject'] : []),
    ...(params.groupBy ?? []),
  ];
  return {
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(params.windowSize ? { granularity: GRANULARITIES[params.windowSize] } : {}),
    time_zone: params.windowTimeZone ?? 'UTC',
    ...(groupBy.length > 0 ? { group_by_dimensions: groupBy } : {}),
    ...(Object.keys(dimensions).length > 0 ? { filters: { dimensions } } : {}),
  };
}

function convertResultToV1({
  result,
  params,
}: {
  result: Awaited<ReturnType<OpenMeterV3Client['meters']['query']>>;
  params: MeterQueryParams;
}): MeterQueryResult {
  const groupByKeys = (params.groupBy ?? []).filter((key) => key !== 'subject');
  return {
    ...(result.from ? { from: result.from } : {}),
    ...(result.to ? { to: result.to } : {}),
    ...(params.windowSize ? { windowSize: params.windowSize } : {}),
    data: result.data.map((row) => {
      const value = Number(row.value);
      if (!Number.isFinite(value)) {
        throw new TypeError(
          `A v3 meter query answered the value ${JSON.stringify(row.value)}, not a number.`,
        );
      }
      return {
        value,
        windowStart: row.from,
        windowEnd: row.to,
        subject: row.dimensions.subject ?? null,
        ...(row.dimensions.customer_id ? { customerId: row.dimensions.customer_id } : {}),
        groupBy: Object.fromEntries(groupByKeys.map((key) => [key, row.dimensions[key] ?? null])),
      };
    }),
  } as MeterQueryResult;
}
