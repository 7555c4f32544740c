import type { Database, Statement } from 'better-sqlite3';
import type { CompiledMeter } from '../meters/compile-meter.js';

/**
 * Column name of the n-th group-by key of a meter's value table. Keys become positional
 * columns so user-chosen names never reach SQL text.
 */
export function groupColumn(index: number): string {
  return `g_${index}`;
}

/**
 * Creates the table that holds one meter's reading of every matching event (time, subject,
 * numeric value, text value for UNIQUE_COUNT, group-by values), indexed by time and covering
 * the aggregations, so queries never parse event JSON.
 * @see https://www.sqlite.org/queryplanner.html#covidx
 */
export function createMeterValueTable({
  database,
  meter,
}: {
  database: Database;
  meter: CompiledMeter;
}): void {
  const groups = meter.groupByKeys.map((_, index) => groupColumn(index));
  const groupDefinitions = groups.map((column) => `, ${column} TEXT`).join('');
  database.exec(`
    CREATE TABLE IF NOT EXISTS ${meter.tableName} (
      event_seq INTEGER PRIMARY KEY,
      time_ms INTEGER NOT NULL,
      subject TEXT NOT NULL,
      value REAL,
      value_text TEXT${groupDefinitions}
    );
    CREATE INDEX IF NOT EXISTS ${meter.tableName}_time ON ${meter.tableName}
      (time_ms, subject${groups.map((column) => `, ${column}`).join('')}, value, value_text);
  `);
}

/** Prepares the insert of one reading into a meter's value table. */
export function prepareMeterValueInsert({
  database,
  meter,
}: {
  database: Database;
  meter: CompiledMeter;
}): Statement {
  const groups = meter.groupByKeys.map((_, index) => groupColumn(index));
  const columns = ['event_seq', 'time_ms', 'subject', 'value', 'value_text', ...groups];
  return database.prepare(
    `INSERT OR IGNORE INTO ${meter.tableName} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
  );
}
