import type { Database } from 'better-sqlite3';
import type { CompiledMeter } from '../meters/compile-meter.js';

/**
 * Column name of the n-th group-by key of a meter's value table. Keys become positional
 * columns so user-chosen names never reach SQL text.
 */
export function groupColumn(index: number): string {
  return `g_${index}`;
}

/**
 * Creates the table that holds one meter's reading of every matching event: time, subject,
 * numeric value, text value for UNIQUE_COUNT and group-by values, the texts stored as integer
 * ids of the `dictionary` table. Clustered by time (WITHOUT ROWID), so a time range is one
 * contiguous read of small rows, and queries never parse event JSON.
 */
export function createMeterValueTable({
  database,
  meter,
}: {
  database: Database;
  meter: CompiledMeter;
}): void {
  const groups = meter.groupByKeys.map((_, index) => groupColumn(index));
  const groupDefinitions = groups.map((column) => `, ${column} INTEGER`).join('');
  database.exec(`
    CREATE TABLE IF NOT EXISTS ${meter.tableName} (
      time_ms INTEGER NOT NULL,
      event_seq INTEGER NOT NULL,
      subject INTEGER NOT NULL,
      value REAL,
      value_text INTEGER${groupDefinitions},
      PRIMARY KEY (time_ms, event_seq)
    ) WITHOUT ROWID;
  `);
}
