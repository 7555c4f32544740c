import { parseRfc3339 } from '../events/parse-rfc3339.js';
import { formatMeterQueryCsv } from '../query/format-meter-query-csv.js';
import {
  convertSearchParamsToRawQuery,
  parseMeterQuery,
  type RawMeterQuery,
} from '../query/parse-meter-query.js';
import { groupColumn } from '../storage/meter-value-table.js';
import { findMeterOrThrow } from './handle-meters.js';
import { HttpProblem } from './http-problem.js';
import { readJsonObject } from './read-json-object.js';
import type { Reply, RouteContext } from './reply.js';

/**
 * `GET` and `POST /api/v1/meters/{meterIdOrSlug}/query`: usage per window, subject and group,
 * as JSON (`MeterQueryResult`) or as CSV when the `Accept` header asks for `text/csv`.
 */
export async function handleQueryMeter(context: RouteContext): Promise<Reply> {
  const { request, url, store, parameters, limits, queries } = context;
  const meter = findMeterOrThrow({ store, idOrSlug: parameters.meterIdOrSlug as string });
  let raw: RawMeterQuery;
  if (request.method === 'POST') {
    raw = (await readJsonObject({ request, name: 'MeterQueryRequest' })) as RawMeterQuery;
  } else {
    raw = convertSearchParamsToRawQuery(url.searchParams);
  }
  const query = parseMeterQuery({ raw, meter, limits });
  const result = await queries.run({ meter, query });
  if ((request.headers.get('accept') ?? '').toLowerCase().includes('text/csv')) {
    return {
      status: 200,
      contentType: 'text/csv; charset=utf-8',
      body: formatMeterQueryCsv({ result, groupBy: query.groupBy }),
    };
  }
  return { status: 200, body: result };
}

function parseRange(url: URL, defaultFrom: number | undefined): { from: number; to: number } {
  const read = (name: string) => {
    const text = url.searchParams.get(name);
    if (text === null) return undefined;
    const value = parseRfc3339(text);
    if (value === undefined)
      throw new HttpProblem(
        400,
        `${name} must be an RFC 3339 date-time such as 2025-01-01T00:00:00Z`,
      );
    return value;
  };
  return {
    from: read('from') ?? defaultFrom ?? Number.MIN_SAFE_INTEGER,
    to: read('to') ?? Number.MAX_SAFE_INTEGER,
  };
}

/**
 * `GET /api/v1/meters/{meterIdOrSlug}/subjects`: the subjects with readings between `from`
 * and `to` (both inclusive), sorted.
 */
export function handleListMeterSubjects({ url, store, parameters }: RouteContext): Reply {
  const meter = findMeterOrThrow({ store, idOrSlug: parameters.meterIdOrSlug as string });
  const { from, to } = parseRange(url, undefined);
  const subjects = store.database
    .prepare(
      `SELECT text FROM dictionary WHERE id IN (SELECT DISTINCT subject FROM ${meter.tableName} WHERE time_ms >= ? AND time_ms <= ?) ORDER BY text`,
    )
    .pluck()
    .all(from, to);
  return { status: 200, body: subjects };
}

/**
 * `GET /api/v1/meters/{meterIdOrSlug}/group-by/{groupByKey}/values`: the distinct values of one
 * group-by key between `from` (default: 24 hours ago, as in the spec) and `to`, sorted.
 */
export function handleListGroupByValues({ url, store, parameters, now }: RouteContext): Reply {
  const meter = findMeterOrThrow({ store, idOrSlug: parameters.meterIdOrSlug as string });
  const key = parameters.groupByKey as string;
  const index = meter.groupByKeys.indexOf(key);
  if (key !== 'subject' && index === -1) {
    throw new HttpProblem(
      400,
      `"${key}" is not a group-by key of meter ${meter.meter.slug}; use one of subject${meter.groupByKeys.map((known) => `, ${known}`).join('')}`,
    );
  }
  const column = key === 'subject' ? 'subject' : groupColumn(index);
  const { from, to } = parseRange(url, now().getTime() - 86_400_000);
  const values = store.database
    .prepare(
      `SELECT text FROM dictionary WHERE id IN (SELECT DISTINCT ${column} FROM ${meter.tableName} WHERE time_ms >= ? AND time_ms <= ?) ORDER BY text`,
    )
    .pluck()
    .all(from, to);
  return { status: 200, body: values };
}
