import type { Database } from 'better-sqlite3';
import type { CompiledMeter } from '../meters/compile-meter.js';
import type { MeterAggregation } from '../openmeter-types.js';
import { groupColumn } from './meter-value-table.js';

/** The width of a rollup bucket: one hour, so DAY, MONTH and HOUR windows of any whole-hour time zone are sums of buckets. */
export const ROLLUP_BUCKET_MS = 3_600_000;

/**
 * Whether a meter's aggregation can be answered from per-hour partial aggregates (sum, count,
 * min, max). LATEST and UNIQUE_COUNT cannot: they always read the meter's value table.
 */
export function isRollupAggregation(aggregation: MeterAggregation): boolean {
  return aggregation !== 'LATEST' && aggregation !== 'UNIQUE_COUNT';
}

/** The name of a meter's rollup table (`meter_hours_<sequence>`), beside `meter_values_<sequence>`. */
export function rollupTableName(meter: CompiledMeter): string {
  return `meter_hours_${meter.sequence}`;
}

/** The start of the rollup bucket (hour, UTC) holding `timeMilliseconds`. */
export function floorToRollupBucket(timeMilliseconds: number): number {
  return Math.floor(timeMilliseconds / ROLLUP_BUCKET_MS) * ROLLUP_BUCKET_MS;
}

/**
 * Whether a complete rollup answers this meter's queries: the table exists and was filled from
 * every reading (`meter_hour_rollups` lists it). Read by the query worker's own connection.
 */
export function hasMeterRollup({
  database,
  meter,
}: {
  database: Database;
  meter: CompiledMeter;
}): boolean {
  if (!isRollupAggregation(meter.aggregation)) return false;
  return (
    database
      .prepare('SELECT 1 FROM meter_hour_rollups WHERE meter_seq = ?')
      .pluck()
      .get(meter.sequence) !== undefined
  );
}

/**
 * Creates a meter's rollup table, per hour (UTC), subject and group-by values: the sum, count,
 * minimum and maximum of its readings, kept at ingest, so a query over a month reads about one
 * row per hour and group instead of every event. A missing group-by value is stored as 0 (no
 * dictionary id is 0) because primary key columns cannot be NULL. Filled once from the value
 * table when the meter has none yet (a database written before rollups existed, or a new meter):
 * derived data only, the value table stays as it is.
 */
export function createMeterRollupTable({
  database,
  meter,
}: {
  database: Database;
  meter: CompiledMeter;
}): void {
  // Every start but the first finds the rollup complete and takes no write lock.
  if (!isRollupAggregation(meter.aggregation) || hasMeterRollup({ database, meter })) return;
  const table = rollupTableName(meter);
  const groups = meter.groupByKeys.map((_, index) => groupColumn(index));
  const fill = database.transaction(() => {
    if (hasMeterRollup({ database, meter })) return;
    database.exec(`
      DROP TABLE IF EXISTS ${table};
      CREATE TABLE ${table} (
        bucket_ms INTEGER NOT NULL,
        subject INTEGER NOT NULL${groups.map((column) => `,\n        ${column} INTEGER NOT NULL`).join('')},
        sum REAL NOT NULL,
        count INTEGER NOT NULL,
        min REAL,
        max REAL,
        PRIMARY KEY (bucket_ms, subject${groups.map((column) => `, ${column}`).join('')})
      ) WITHOUT ROWID;
    `);
    // Integer division truncates toward zero: subtract one bucket for times before 1970.
    const bucket = `(time_ms / ${ROLLUP_BUCKET_MS} - (time_ms < 0 AND time_ms % ${ROLLUP_BUCKET_MS} != 0)) * ${ROLLUP_BUCKET_MS}`;
    const keys = ['subject', ...groups.map((column) => `ifnull(${column}, 0)`)];
    database.exec(`
      INSERT INTO ${table} (bucket_ms, subject${groups.map((column) => `, ${column}`).join('')}, sum, count, min, max)
      SELECT ${bucket}, ${keys.join(', ')}, total(value), count(*), min(value), max(value)
      FROM ${meter.tableName}
      GROUP BY ${bucket}, ${keys.join(', ')};
    `);
    database.prepare('INSERT INTO meter_hour_rollups (meter_seq) VALUES (?)').run(meter.sequence);
  });
  // A write lock up front: two processes opening one file fill the rollup once.
  fill.immediate();
}

/** Drops a deleted meter's rollup (its readings are dropped with it). */
export function dropMeterRollupTable({
  database,
  meter,
}: {
  database: Database;
  meter: CompiledMeter;
}): void {
  database.exec(`DROP TABLE IF EXISTS ${rollupTableName(meter)}`);
  database.prepare('DELETE FROM meter_hour_rollups WHERE meter_seq = ?').run(meter.sequence);
}
