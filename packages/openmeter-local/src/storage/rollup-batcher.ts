import type { Database } from 'better-sqlite3';
import type { CompiledMeter } from '../meters/compile-meter.js';
import { floorToRollupBucket, rollupTableName } from './meter-rollup-table.js';
import { groupColumn } from './meter-value-table.js';
import { RowBatcher } from './row-batcher.js';

interface PendingBucket {
  keys: number[];
  sum: number;
  count: number;
  min: number | null;
  max: number | null;
}

/**
 * Adds readings to a meter's rollup table (see `createMeterRollupTable`): readings are summed
 * per hour and group in memory, then the groups are written with multi-row upserts (up to 100
 * groups a statement), so a batch of events costs a statement per 100 groups it touched, not
 * one per group. Call `flush` before the transaction ends, `clear` after a failed one.
 */
export class RollupBatcher {
  readonly #upserts: RowBatcher;
  #pending = new Map<string, PendingBucket>();

  constructor({ database, meter }: { database: Database; meter: CompiledMeter }) {
    const groups = meter.groupByKeys.map((_, index) => groupColumn(index));
    const keys = ['bucket_ms', 'subject', ...groups];
    const columns = [...keys, 'sum', 'count', 'min', 'max'];
    // Each group appears once per flush, so no statement updates a row it inserted itself.
    // min(a, b) is NULL when either is: a COUNT meter's readings have no value.
    this.#upserts = new RowBatcher({
      database,
      prefix: `INSERT INTO ${rollupTableName(meter)} (${columns.join(', ')})`,
      suffix: `ON CONFLICT (${keys.join(', ')}) DO UPDATE SET
         sum = sum + excluded.sum,
         count = count + excluded.count,
         min = coalesce(min(min, excluded.min), min, excluded.min),
         max = coalesce(max(max, excluded.max), max, excluded.max)`,
      columnCount: columns.length,
    });
  }

  /** Counts one reading: its time, subject id, value and group-by ids (null when missing). */
  add({
    timeMilliseconds,
    subject,
    value,
    groups,
  }: {
    timeMilliseconds: number;
    subject: number;
    value: number | null;
    groups: ReadonlyArray<number | null>;
  }): void {
    const keys = [floorToRollupBucket(timeMilliseconds), subject, ...groups.map((id) => id ?? 0)];
    const key = keys.join(':');
    let bucket = this.#pending.get(key);
    if (!bucket) {
      bucket = { keys, sum: 0, count: 0, min: null, max: null };
      this.#pending.set(key, bucket);
    }
    bucket.count++;
    if (value !== null) {
      bucket.sum += value;
      bucket.min = bucket.min === null ? value : Math.min(bucket.min, value);
      bucket.max = bucket.max === null ? value : Math.max(bucket.max, value);
    }
  }

  /** Writes the pending groups. */
  flush(): void {
    for (const { keys, sum, count, min, max } of this.#pending.values()) {
      if (this.#upserts.add([...keys, sum, count, min, max])) this.#upserts.flush();
    }
    this.#upserts.flush();
    this.#pending.clear();
  }

  /** Drops pending groups (after a failed transaction). */
  clear(): void {
    this.#upserts.clear();
    this.#pending.clear();
  }
}
