import type { Database } from 'better-sqlite3';
import { formatRfc3339 } from '../events/parse-rfc3339.js';
import type { CompiledMeter } from '../meters/compile-meter.js';
import type { MeterQueryResult, MeterQueryRow } from '../openmeter-types.js';
import {
  hasMeterRollup,
  ROLLUP_BUCKET_MS,
  rollupTableName,
} from '../storage/meter-rollup-table.js';
import { groupColumn } from '../storage/meter-value-table.js';
import { buildFilterSql } from './build-filter-sql.js';
import { createWindows, findWindow, type TimeWindow } from './create-windows.js';
import type { MeterQuery } from './meter-query.js';

// Up to this many windows, each window is one indexed range query whose GROUP BY sorts only
// that window's rows (fast); beyond it, one query groups by minute and windows are rolled up
// here.
const MAX_WINDOW_QUERIES = 1_000;
const MINUTE = 60_000;

interface Accumulator {
  window: TimeWindow;
  subject: string | null;
  groups: Array<string | null>;
  sum: number;
  count: number;
  min: number;
  max: number;
  latestTime: number;
  latestValue: number;
  texts: Set<number> | undefined;
  finalValue: number | undefined;
}

function finishValue({
  meter,
  accumulator,
}: {
  meter: CompiledMeter;
  accumulator: Accumulator;
}): number {
  if (accumulator.finalValue !== undefined) return accumulator.finalValue;
  switch (meter.aggregation) {
    case 'COUNT':
      return accumulator.count;
    case 'AVG':
      return accumulator.count === 0 ? 0 : accumulator.sum / accumulator.count;
    case 'MIN':
      return accumulator.min;
    case 'MAX':
      return accumulator.max;
    case 'LATEST':
      return accumulator.latestValue;
    case 'UNIQUE_COUNT':
      return accumulator.texts?.size ?? 0;
    default:
      return accumulator.sum;
  }
}

/**
 * What `runMeterQuery` reads: a SQLite connection (the store's, or a worker's read-only one) and
 * the dictionary that turns its text ids back into subjects and group-by values.
 */
export interface MeterQuerySource {
  database: Database;
  dictionary: { getText(id: number): string };
}

/**
 * Aggregates a meter's readings per window, subject and group-by values, the way OpenMeter's
 * query endpoint does: events in `[from, to)`, only windows that have data, values as numbers.
 */
export function runMeterQuery({
  store,
  meter,
  query,
  maxWindowQueries = MAX_WINDOW_QUERIES,
  useRollup = true,
}: {
  /** Where the meter's readings are: a connection and the dictionary behind its text ids. */
  store: MeterQuerySource;
  meter: CompiledMeter;
  query: MeterQuery;
  /** Above this many windows, aggregate per minute and roll up (tests lower it). */
  maxWindowQueries?: number;
  /**
   * Answer from the meter's per-hour rollup when its windows and bounds fall on whole hours
   * (default true; tests compare both ways).
   */
  useRollup?: boolean;
}): MeterQueryResult {
  const database = store.database;
  const lower = query.from ?? Number.MIN_SAFE_INTEGER;
  const upper = query.to ?? Number.MAX_SAFE_INTEGER;
  const isOnHour = (instant: number) =>
    instant === Number.MIN_SAFE_INTEGER ||
    instant === Number.MAX_SAFE_INTEGER ||
    instant % ROLLUP_BUCKET_MS === 0;
  const result: MeterQueryResult = { data: [] };
  if (query.fromText) result.from = query.fromText;
  if (query.toText) result.to = query.toText;
  if (query.windowSize) result.windowSize = query.windowSize;

  // The per-hour rollup holds the same readings summed per hour: a window made of whole hours
  // has the same rows there, about one per hour and group instead of one per event.
  let fromRollup =
    useRollup && isOnHour(lower) && isOnHour(upper) && hasMeterRollup({ database, meter });
  const plan = (rollup: boolean) => {
    const table = rollup ? rollupTableName(meter) : meter.tableName;
    const timeColumn = rollup ? 'bucket_ms' : 'time_ms';
    // A missing group-by value is 0 in the rollup (a key column cannot be NULL).
    const groupKey = (key: string) => {
      const column = groupColumn(meter.groupByKeys.indexOf(key));
      return rollup ? `nullif(${column}, 0)` : column;
    };
    const keyColumns = [
      ...(query.groupBySubject ? ['subject'] : []),
      ...query.groupBy.map(groupKey),
    ];
    const where: string[] = [];
    const filterParameters: unknown[] = [];
    if (query.subjects) {
      where.push(
        `subject IN (SELECT id FROM dictionary WHERE text IN (${query.subjects.map(() => '?').join(', ')}))`,
      );
      filterParameters.push(...query.subjects);
    }
    for (const { key, filter } of query.filters) {
      where.push(buildFilterSql({ column: groupKey(key), filter, parameters: filterParameters }));
    }
    const filterSql = where.map((clause) => ` AND ${clause}`).join('');
    const edge = (direction: 'ASC' | 'DESC') =>
      database
        .prepare(
          `SELECT ${timeColumn} FROM ${table} WHERE ${timeColumn} >= ? AND ${timeColumn} < ?${filterSql} ORDER BY ${timeColumn} ${direction} LIMIT 1`,
        )
        .pluck()
        .get(lower, upper, ...filterParameters) as number | undefined;
    return { table, keyColumns, filterParameters, filterSql, edge };
  };
  let { table, keyColumns, filterParameters, filterSql, edge } = plan(fromRollup);
  const readEdges = () => {
    // An unwindowed answer shows the first reading's minute when no `from` was given: the
    // rollup knows only its hour, so the value table tells.
    if (fromRollup && !query.windowSize && (query.from === undefined || query.to === undefined)) {
      const valueEdge = plan(false).edge;
      const first = valueEdge('ASC');
      return first === undefined ? undefined : { first, last: valueEdge('DESC') as number };
    }
    const first = edge('ASC');
    if (first === undefined) return undefined;
    const last = edge('DESC') as number;
    // The last bucket's hour ends where its last reading could be.
    return { first, last: fromRollup ? last + ROLLUP_BUCKET_MS - 1 : last };
  };
  let edges = readEdges();
  if (edges === undefined) return result;

  const accumulators = new Map<string, Accumulator>();
  const accumulatorFor = (window: TimeWindow, keyIds: Array<number | null>): Accumulator => {
    const key = `${window.start}:${keyIds.join(':')}`;
    let accumulator = accumulators.get(key);
    if (!accumulator) {
      const keyValues = keyIds.map((id) => (id === null ? null : store.dictionary.getText(id)));
      accumulator = {
        window,
        subject: query.groupBySubject ? (keyValues[0] ?? null) : null,
        groups: query.groupBySubject ? keyValues.slice(1) : keyValues,
        sum: 0,
        count: 0,
        min: Number.POSITIVE_INFINITY,
        max: Number.NEGATIVE_INFINITY,
        latestTime: Number.NEGATIVE_INFINITY,
        latestValue: 0,
        texts: undefined,
        finalValue: undefined,
      };
      accumulators.set(key, accumulator);
    }
    return accumulator;
  };

  const createQueryWindows = ({ first, last }: { first: number; last: number }) =>
    query.windowSize
      ? createWindows({
          windowSize: query.windowSize,
          timeZone: query.windowTimeZone,
          from: first,
          to: last + 1,
          limit: maxWindowQueries,
        })
      : [
          {
            start: query.from ?? Math.floor(first / MINUTE) * MINUTE,
            end: query.to ?? Math.floor(last / MINUTE) * MINUTE + MINUTE,
          },
        ];
  let windows = createQueryWindows(edges);
  if (
    fromRollup &&
    query.windowSize &&
    !windows?.every((window) => isOnHour(window.start) && isOnHour(window.end))
  ) {
    // Windows cutting hours (MINUTE, a half-hour time zone) or too many to ask one by one:
    // the value table answers.
    fromRollup = false;
    ({ table, keyColumns, filterParameters, filterSql, edge } = plan(false));
    edges = readEdges();
    if (edges === undefined) return result;
    windows = createQueryWindows(edges);
  }
  // An unwindowed query reads all of [from, to): its window only names the answer's edges.
  const boundsOf = (window: TimeWindow) =>
    query.windowSize
      ? [Math.max(window.start, lower), Math.min(window.end, upper)]
      : [lower, upper];
  const keySql = keyColumns.join(', ');
  const groupSql = keyColumns.length ? ` GROUP BY ${keySql}` : '';
  const selectKeys = keyColumns.length ? `${keySql}, ` : '';

  if (windows) {
    const finalSql = fromRollup
      ? {
          SUM: 'total(sum)',
          COUNT: 'total(count)',
          AVG: 'total(sum) / total(count)',
          MIN: 'min(min)',
          MAX: 'max(max)',
          LATEST: '',
          UNIQUE_COUNT: '',
        }[meter.aggregation]
      : {
          SUM: 'total(value)',
          COUNT: 'count(*)',
          AVG: 'avg(value)',
          MIN: 'min(value)',
          MAX: 'max(value)',
          LATEST: 'value, max(time_ms)',
          UNIQUE_COUNT: 'count(DISTINCT value_text)',
        }[meter.aggregation];
    const timeColumn = fromRollup ? 'bucket_ms' : 'time_ms';
    const statement = database
      .prepare(
        `SELECT ${selectKeys}count(*), ${finalSql} FROM ${table} WHERE ${timeColumn} >= ? AND ${timeColumn} < ?${filterSql}${groupSql}`,
      )
      .raw();
    for (const window of windows) {
      const rows = statement.all(...boundsOf(window), ...filterParameters) as unknown[][];
      for (const row of rows) {
        // Without GROUP BY, a window with no readings still answers one row: count 0.
        if (row[keyColumns.length] === 0) continue;
        const accumulator = accumulatorFor(
          window,
          row.slice(0, keyColumns.length) as Array<number | null>,
        );
        accumulator.finalValue = Number(row[keyColumns.length + 1]);
      }
    }
  } else {
    const partialSql = {
      SUM: 'total(value), count(*)',
      COUNT: 'total(value), count(*)',
      AVG: 'total(value), count(*)',
      MIN: 'min(value), count(*)',
      MAX: 'max(value), count(*)',
      LATEST: 'value, max(time_ms)',
      UNIQUE_COUNT: 'value_text, count(*)',
    }[meter.aggregation];
    const extraGroup = meter.aggregation === 'UNIQUE_COUNT' ? ', value_text' : '';
    const statement = database
      .prepare(
        `SELECT ${selectKeys}time_ms / ${MINUTE} AS minute, ${partialSql} FROM ${table} WHERE time_ms >= ? AND time_ms < ?${filterSql} GROUP BY ${selectKeys}minute${extraGroup}`,
      )
      .raw();
    const windowCache = new Map<number, TimeWindow>();
    for (const row of statement.iterate(lower, upper, ...filterParameters) as Iterable<unknown[]>) {
      const minute = row[keyColumns.length] as number;
      let window = windowCache.get(minute);
      if (!window) {
        window = findWindow({
          windowSize: query.windowSize as NonNullable<MeterQuery['windowSize']>,
          timeZone: query.windowTimeZone,
          instant: minute * MINUTE,
        });
        windowCache.set(minute, window);
      }
      const accumulator = accumulatorFor(
        window,
        row.slice(0, keyColumns.length) as Array<number | null>,
      );
      const first = row[keyColumns.length + 1];
      const second = row[keyColumns.length + 2] as number;
      if (meter.aggregation === 'LATEST') {
        if (second > accumulator.latestTime) {
          accumulator.latestTime = second;
          accumulator.latestValue = first as number;
        }
      } else if (meter.aggregation === 'UNIQUE_COUNT') {
        accumulator.texts ??= new Set();
        accumulator.texts.add(first as number);
      } else {
        accumulator.sum += first as number;
        accumulator.count += second;
        accumulator.min = Math.min(accumulator.min, first as number);
        accumulator.max = Math.max(accumulator.max, first as number);
      }
    }
  }

  const sorted = [...accumulators.values()].sort(compareAccumulators);
  result.data = sorted.map(
    (accumulator): MeterQueryRow => ({
      value: finishValue({ meter, accumulator }),
      windowStart: formatRfc3339(accumulator.window.start),
      windowEnd: formatRfc3339(accumulator.window.end),
      subject: accumulator.subject,
      groupBy: Object.fromEntries(
        query.groupBy.map((key, index) => [key, accumulator.groups[index] ?? null]),
      ),
    }),
  );
  return result;
}

function compareText(left: string | null | undefined, right: string | null | undefined): number {
  if (left === right) return 0;
  if (left === null || left === undefined) return -1;
  if (right === null || right === undefined) return 1;
  return left < right ? -1 : 1;
}

function compareAccumulators(left: Accumulator, right: Accumulator): number {
  if (left.window.start !== right.window.start) return left.window.start - right.window.start;
  const bySubject = compareText(left.subject, right.subject);
  if (bySubject !== 0) return bySubject;
  for (let index = 0; index < left.groups.length; index++) {
    const byGroup = compareText(left.groups[index], right.groups[index]);
    if (byGroup !== 0) return byGroup;
  }
  return 0;
}
