import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
import { CustomerStore } from '../customers/customer-store.js';
import { EntitlementStore } from '../entitlements/entitlement-store.js';
import type { ValidEvent } from '../events/validate-event.js';
import { LlmCostStore } from '../llm-cost/llm-cost-store.js';
import { type CompiledMeter, compileMeter, readMeterValue } from '../meters/compile-meter.js';
import { safeParseMeterCreate } from '../meters/parse-meter-create.js';
import type { IngestedEvent, Meter, MeterCreate, OpenMeterEvent } from '../openmeter-types.js';
import { createUlid } from './create-ulid.js';
import { type ListEventsFilter, listStoredEvents } from './list-stored-events.js';
import {
  createMeterRollupTable,
  dropMeterRollupTable,
  isRollupAggregation,
} from './meter-rollup-table.js';
import { createMeterValueTable, groupColumn } from './meter-value-table.js';
import { migrateDatabase } from './migrate-database.js';
import { RollupBatcher } from './rollup-batcher.js';
import { RowBatcher } from './row-batcher.js';
import { TextDictionary } from './text-dictionary.js';

/**
 * Where a meter came from: the meters file (replaced on restart) or the API (kept).
 */
export type MeterOrigin = 'config' | 'api';

/**
 * What `syncConfigMeters` did, by meter slug.
 */
export interface MeterSyncOutcome {
  created: string[];
  /** Defined differently than stored: deleted and created again from the new definition. */
  recreated: string[];
  /** Deleted because `prune` was set and the definitions no longer name them. */
  pruned: string[];
  /** From an earlier meters file, not named by the definitions, and kept (no `prune`). */
  unlisted: string[];
}

/**
 * Counts of one `ingest` call.
 */
export interface IngestOutcome {
  stored: number;
  duplicates: number;
}

const BACKFILL_PAGE = 5_000;

/**
 * How long a write waits for another process's write lock on the same file before failing with
 * `SQLITE_BUSY` (better-sqlite3's default, made explicit for the message that names it).
 */
export const BUSY_TIMEOUT_MS = 5_000;

interface MeterRow {
  seq: number;
  id: string;
  slug: string;
  origin: MeterOrigin;
  definition_json: string;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

/**
 * The embedded database of openmeter-local: events deduplicated on (source, id), meters, and
 * each meter's reading of each event in a side table. Every write is one transaction.
 */
export class OpenMeterStore {
  readonly database: Database;
  #meters = new Map<number, CompiledMeter>();
  #metersByType = new Map<string, CompiledMeter[]>();
  #valueInserts = new Map<number, RowBatcher>();
  #rollupInserts = new Map<number, RollupBatcher>();
  #insertEvents: RowBatcher;
  #insertError: Statement;
  readonly dictionary: TextDictionary;
  /** Features, entitlements and grants. */
  readonly entitlements: EntitlementStore;
  /** v3 customers and the subjects their usage is attributed from. */
  readonly customers: CustomerStore;
  /** v3 features (with their unit cost) and the namespace's LLM cost price overrides. */
  readonly llmCost: LlmCostStore;
  #now: () => Date;

  /**
   * Opens (and migrates) the database at `dbPath`; `now` is the clock of storage and creation
   * times, default `() => new Date()`.
   */
  constructor({ dbPath, now = () => new Date() }: { dbPath: string; now?: () => Date }) {
    this.#now = now;
    this.database = new BetterSqlite3(dbPath, { timeout: BUSY_TIMEOUT_MS });
    this.database.pragma('journal_mode = WAL');
    // WAL + NORMAL: a crash of the process never loses or half-stores a committed batch; an
    // OS crash or power cut may lose the last batches (never half of one). Fine for a
    // development and test stand-in, and it saves one fsync per request.
    this.database.pragma('synchronous = NORMAL');
    // Index pages of a large meter table must stay cached, or inserts turn into random reads.
    this.database.pragma('cache_size = -65536');
    this.database.pragma('temp_store = MEMORY');
    this.database.pragma('mmap_size = 268435456');
    migrateDatabase(this.database);
    this.#insertEvents = new RowBatcher({
      database: this.database,
      prefix:
        'INSERT OR IGNORE INTO events (source, id, type, subject, time_ms, ingested_at_ms, stored_at_ms, event_json)',
      suffix: 'RETURNING seq, source, id',
      columnCount: 8,
    });
    this.#insertError = this.database.prepare(
      'INSERT OR REPLACE INTO event_errors (event_seq, meter_seq, message) VALUES (?, ?, ?)',
    );
    this.dictionary = new TextDictionary({ database: this.database });
    this.entitlements = new EntitlementStore(this.database);
    this.customers = new CustomerStore({ database: this.database, now });
    this.llmCost = new LlmCostStore({ database: this.database, now });
    this.#reloadMeters();
  }

  /**
   * Makes the in-memory meters those of the database. Another process on the same file
   * (another openmeter-local, or an app that started one) may have created or deleted meters
   * since this store read them.
   */
  #reloadMeters(): void {
    const rows = this.database
      .prepare('SELECT * FROM meters WHERE deleted_at IS NULL ORDER BY seq')
      .all() as MeterRow[];
    const active = new Set(rows.map((row) => row.seq));
    for (const sequence of [...this.#meters.keys()]) {
      if (active.has(sequence)) continue;
      this.#meters.delete(sequence);
      this.#valueInserts.delete(sequence);
      this.#rollupInserts.delete(sequence);
    }
    for (const row of rows) if (!this.#meters.has(row.seq)) this.#register(row);
    this.#rebuildTypeIndex();
  }

  /**
   * Runs `work` in one transaction. If it fails, ids the dictionary handed out inside it were
   * rolled back too, so the id caches are dropped.
   */
  #write(work: () => void): void {
    try {
      this.database.transaction(work)();
    } catch (error) {
      this.dictionary.forget();
      this.#insertEvents.clear();
      for (const batcher of this.#valueInserts.values()) batcher.clear();
      for (const batcher of this.#rollupInserts.values()) batcher.clear();
      throw error;
    }
  }

  #register(row: MeterRow): CompiledMeter {
    const compiled = compileMeter({ sequence: row.seq, meter: convertMeterRow(row) });
    createMeterValueTable({ database: this.database, meter: compiled });
    createMeterRollupTable({ database: this.database, meter: compiled });
    this.#meters.set(row.seq, compiled);
    if (isRollupAggregation(compiled.aggregation)) {
      this.#rollupInserts.set(
        row.seq,
        new RollupBatcher({ database: this.database, meter: compiled }),
      );
    }
    const columns = ['time_ms', 'event_seq', 'subject', 'value', 'value_text'];
    columns.push(...compiled.groupByKeys.map((_, index) => groupColumn(index)));
    this.#valueInserts.set(
      row.seq,
      new RowBatcher({
        database: this.database,
        prefix: `INSERT OR IGNORE INTO ${compiled.tableName} (${columns.join(', ')})`,
        columnCount: columns.length,
      }),
    );
    this.#rebuildTypeIndex();
    return compiled;
  }

  #rebuildTypeIndex(): void {
    this.#metersByType.clear();
    for (const meter of this.#meters.values()) {
      const list = this.#metersByType.get(meter.eventType) ?? [];
      list.push(meter);
      this.#metersByType.set(meter.eventType, list);
    }
  }

  #applyMeter({
    meter,
    sequence,
    event,
    timeMilliseconds,
  }: {
    meter: CompiledMeter;
    sequence: number | bigint;
    event: OpenMeterEvent;
    timeMilliseconds: number;
  }): void {
    if (meter.eventFromMilliseconds !== undefined && timeMilliseconds < meter.eventFromMilliseconds)
      return;
    const reading = readMeterValue({ meter, data: event.data });
    if (!reading.success) {
      this.#insertError.run(sequence, meter.sequence, reading.error);
      return;
    }
    const batcher = this.#valueInserts.get(meter.sequence) as RowBatcher;
    const subject = this.dictionary.intern(event.subject);
    const groups = reading.groups.map((group) =>
      group === null ? null : this.dictionary.intern(group),
    );
    const full = batcher.add([
      timeMilliseconds,
      sequence,
      subject,
      reading.value,
      reading.text === null ? null : this.dictionary.intern(reading.text),
      ...groups,
    ]);
    if (full) batcher.flush();
    // Each event is read once per meter (duplicates never reach here), so the rollup counts
    // exactly the rows of the value table.
    this.#rollupInserts
      .get(meter.sequence)
      ?.add({ timeMilliseconds, subject, value: reading.value, groups });
  }

  /**
   * Stores validated events in one transaction: all or nothing. A (source, id) already stored
   * (earlier or in the same batch) is skipped and never counted twice.
   */
  ingest({
    events,
    ingestedAtMilliseconds,
  }: {
    events: Iterable<ValidEvent>;
    ingestedAtMilliseconds: number;
  }): IngestOutcome {
    let stored = 0;
    let received = 0;
    this.#write(() => {
      const storedAt = this.#now().getTime();
      let chunk: ValidEvent[] = [];
      const writeChunk = () => {
        // RETURNING lists only the rows inserted: a duplicate (stored earlier, or earlier in
        // this batch) is absent, so it is never read by a meter.
        const inserted = new Map<string, number>();
        for (const [seq, source, id] of this.#insertEvents.flush() as Array<
          [number, string, string]
        >) {
          inserted.set(`${source}\u0000${id}`, seq);
        }
        for (const { event, timeMilliseconds } of chunk) {
          const key = `${event.source}\u0000${event.id}`;
          const sequence = inserted.get(key);
          if (sequence === undefined) continue;
          inserted.delete(key);
          stored++;
          for (const meter of this.#metersByType.get(event.type) ?? []) {
            this.#applyMeter({ meter, sequence, event, timeMilliseconds });
          }
        }
        chunk = [];
      };
      for (const valid of events) {
        received++;
        const { event, timeMilliseconds } = valid;
        chunk.push(valid);
        const full = this.#insertEvents.add([
          event.source,
          event.id,
          event.type,
          event.subject,
          timeMilliseconds,
          ingestedAtMilliseconds,
          storedAt,
          JSON.stringify(event),
        ]);
        if (full) writeChunk();
      }
      writeChunk();
      for (const batcher of this.#valueInserts.values()) batcher.flush();
      for (const batcher of this.#rollupInserts.values()) batcher.flush();
    });
    return { stored, duplicates: received - stored };
  }

  /** Lists stored events, newest first, each with the validation errors meters reported. */
  listEvents(filter: ListEventsFilter): IngestedEvent[] {
    return listStoredEvents({ database: this.database, filter });
  }

  /** Active meters (and deleted ones when asked), oldest first. */
  listMeters({ includeDeleted = false }: { includeDeleted?: boolean } = {}): Meter[] {
    const rows = this.database
      .prepare(
        `SELECT * FROM meters ${includeDeleted ? '' : 'WHERE deleted_at IS NULL'} ORDER BY seq`,
      )
      .all() as MeterRow[];
    return rows.map(convertMeterRow);
  }

  /** The active meter with this ID or slug, compiled, or undefined. */
  findMeter(idOrSlug: string): CompiledMeter | undefined {
    for (const meter of this.#meters.values()) {
      if (meter.meter.slug === idOrSlug || meter.meter.id === idOrSlug) return meter;
    }
    return undefined;
  }

  /**
   * Creates a meter and reads every event already stored with its event type (backfill), in one
   * transaction. Throws `MeterConflictError` when the slug is taken.
   */
  createMeter({
    definition: given,
    origin,
  }: {
    definition: MeterCreate;
    origin: MeterOrigin;
  }): Meter {
    const definition = normalizeMeterCreate(given);
    if (this.findMeter(definition.slug)) throw new MeterConflictError(definition.slug);
    let compiled: CompiledMeter | undefined;
    try {
      this.#write(() => {
        const moment = this.#now();
        const now = moment.toISOString();
        const id = createUlid({ time: moment });
        const result = this.database
          .prepare(
            'INSERT INTO meters (id, slug, origin, definition_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
          )
          .run(id, definition.slug, origin, JSON.stringify(definition), now, now);
        const row = this.database
          .prepare('SELECT * FROM meters WHERE seq = ?')
          .get(result.lastInsertRowid) as MeterRow;
        try {
          compiled = this.#register(row);
          this.#backfill(compiled);
        } catch (error) {
          this.#meters.delete(row.seq);
          this.#valueInserts.delete(row.seq);
          this.#rollupInserts.delete(row.seq);
          this.#rebuildTypeIndex();
          throw error;
        }
      });
    } catch (error) {
      // Another process on the same file created the slug since this store read its meters:
      // learn about that meter and answer as for a slug known here.
      if (error instanceof BetterSqlite3.SqliteError && error.code === 'SQLITE_CONSTRAINT_UNIQUE') {
        this.#reloadMeters();
        throw new MeterConflictError(definition.slug, { cause: error });
      }
      throw error;
    }
    return (compiled as CompiledMeter).meter;
  }

  #backfill(meter: CompiledMeter): void {
    const page = this.database.prepare(
      'SELECT seq, time_ms, event_json FROM events WHERE type = ? AND seq > ? ORDER BY seq LIMIT ?',
    );
    let after = 0;
    for (;;) {
      const rows = page.all(meter.eventType, after, BACKFILL_PAGE) as Array<{
        seq: number;
        time_ms: number;
        event_json: string;
      }>;
      for (const row of rows) {
        const event = JSON.parse(row.event_json) as OpenMeterEvent;
        this.#applyMeter({ meter, sequence: row.seq, event, timeMilliseconds: row.time_ms });
      }
      if (rows.length < BACKFILL_PAGE) break;
      after = (rows.at(-1) as { seq: number }).seq;
    }
    this.#valueInserts.get(meter.sequence)?.flush();
    this.#rollupInserts.get(meter.sequence)?.flush();
  }

  /** Deletes a meter (kept as deleted in the list, its readings dropped). False if unknown. */
  deleteMeter(idOrSlug: string): boolean {
    const meter = this.findMeter(idOrSlug);
    if (!meter) return false;
    this.database.transaction(() => {
      const now = this.#now().toISOString();
      this.database
        .prepare('UPDATE meters SET deleted_at = ?, updated_at = ? WHERE seq = ?')
        .run(now, now, meter.sequence);
      this.database.prepare('DELETE FROM event_errors WHERE meter_seq = ?').run(meter.sequence);
      this.database.exec(`DROP TABLE IF EXISTS ${meter.tableName}`);
      dropMeterRollupTable({ database: this.database, meter });
    })();
    this.#meters.delete(meter.sequence);
    this.#valueInserts.delete(meter.sequence);
    this.#rollupInserts.delete(meter.sequence);
    this.#rebuildTypeIndex();
    return true;
  }

  /**
   * Brings the meters of a meters file (or the `meters` option) into the database: a new one is
   * created (and backfilled), one whose definition changed is recreated, an unchanged one keeps
   * its ID and readings. Meters the definitions do not name are kept, whatever created them,
   * unless `prune` is set: then the ones an earlier meters file created are deleted (meters
   * created through the API always stay). A default never deletes what a user made.
   */
  syncConfigMeters({
    meters,
    prune = false,
  }: {
    meters: readonly MeterCreate[];
    /** Delete the meters an earlier meters file created that `meters` no longer defines. */
    prune?: boolean | undefined;
  }): MeterSyncOutcome {
    const wanted = new Map(
      meters.map(normalizeMeterCreate).map((definition) => [definition.slug, definition]),
    );
    // One write transaction taken up front (BEGIN IMMEDIATE), over the meters as the database
    // has them now: two processes starting on one file at once (two main jobs, an app and the
    // command) sync one after the other, and the second finds the first one's meters.
    const sync = this.database.transaction(() => {
      this.#reloadMeters();
      return this.#syncMeters({ wanted, prune });
    });
    try {
      return sync.immediate();
    } catch (error) {
      // The meters this sync created or deleted are rolled back: forget them here too.
      this.#reloadMeters();
      throw error;
    }
  }

  #syncMeters({
    wanted,
    prune,
  }: {
    wanted: Map<string, MeterCreate>;
    prune: boolean;
  }): MeterSyncOutcome {
    const outcome: MeterSyncOutcome = { created: [], recreated: [], pruned: [], unlisted: [] };
    for (const meter of [...this.#meters.values()]) {
      const slug = meter.meter.slug;
      const row = this.database
        .prepare('SELECT origin, definition_json FROM meters WHERE seq = ?')
        .get(meter.sequence) as {
        origin: MeterOrigin;
        definition_json: string;
      };
      const definition = wanted.get(slug);
      if (definition && row.definition_json === JSON.stringify(definition)) {
        wanted.delete(slug);
      } else if (definition) {
        this.deleteMeter(slug);
        outcome.recreated.push(slug);
      } else if (row.origin === 'config') {
        if (prune) {
          this.deleteMeter(slug);
          outcome.pruned.push(slug);
        } else outcome.unlisted.push(slug);
      }
    }
    for (const definition of wanted.values()) {
      this.createMeter({ definition, origin: 'config' });
      if (!outcome.recreated.includes(definition.slug)) outcome.created.push(definition.slug);
    }
    return outcome;
  }

  /** Closes the database (checkpointing the WAL). */
  close(): void {
    if (this.database.open) this.database.close();
  }
}

/**
 * A meter with this slug exists already.
 */
export class MeterConflictError extends Error {
  override name = 'MeterConflictError' as const;
  constructor(
    readonly slug: string,
    options?: { cause?: unknown },
  ) {
    super(
      `A meter with slug "${slug}" exists already: delete it first or choose another slug.`,
      options,
    );
  }
}

// One canonical form (field order included), so a stored definition compares equal to the same
// definition read again from a meters file.
function normalizeMeterCreate(definition: MeterCreate): MeterCreate {
  const parsed = safeParseMeterCreate(definition);
  if (!parsed.success) {
    throw new Error(`Meter ${String(definition.slug)} is invalid: ${parsed.errors.join('; ')}`);
  }
  return parsed.value;
}

function convertMeterRow(row: MeterRow): Meter {
  const definition = JSON.parse(row.definition_json) as MeterCreate;
  const meter: Meter = {
    ...definition,
    id: row.id,
    name: definition.name ?? definition.slug,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...(row.deleted_at ? { deletedAt: row.deleted_at } : {}),
  };
  return meter;
}
