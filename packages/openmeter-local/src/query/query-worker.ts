import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { type CompiledMeter, compileMeter } from '../meters/compile-meter.js';
import type { Meter } from '../openmeter-types.js';
import { LruMap } from '../storage/lru-map.js';
import type { MeterQuery } from './meter-query.js';
import { runMeterQuery } from './run-meter-query.js';

// Worker thread of openmeter-local: answers meter queries from its own read-only connection to
// the WAL database, so a long query never stalls ingestion on the main thread. Readers in WAL
// mode see the last committed transaction and never block the writer. It also checkpoints the
// WAL (copying committed pages into the database file, with an fsync), which SQLite would
// otherwise do inside an ingest commit every 1,000 pages: a stall of every request queued
// behind it. A PASSIVE checkpoint never blocks the writer.

/**
 * A query sent to the worker.
 */
export interface QueryWorkerRequest {
  type: 'query';
  id: number;
  sequence: number;
  meter: Meter;
  query: MeterQuery;
}

/**
 * Asks the worker to close its connections and stop.
 */
export interface QueryWorkerClose {
  type: 'close';
}

const { dbPath, checkpointIntervalMs } = workerData as {
  dbPath: string;
  checkpointIntervalMs: number;
};
const database = new BetterSqlite3(dbPath, { readonly: true, fileMustExist: true });
database.pragma('cache_size = -65536');
database.pragma('mmap_size = 268435456');
const selectText = database.prepare('SELECT text FROM dictionary WHERE id = ?').pluck();
const texts = new LruMap<number, string>({ capacity: 10_000 });
const dictionary = {
  // Ids are never reused, and a rolled-back id is never visible here: caching is safe.
  getText(id: number): string {
    let text = texts.get(id);
    if (text === undefined) {
      text = selectText.get(id) as string;
      texts.set(id, text);
    }
    return text;
  },
};
const compiled = new LruMap<string, CompiledMeter>({ capacity: 100 });
const checkpointer = new BetterSqlite3(dbPath, { fileMustExist: true });
const checkpoint = checkpointer.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const timer = setInterval(() => {
  try {
    checkpoint.run();
  } catch {
    // SQLITE_BUSY or a closing database: the next tick (or the final close) checkpoints.
  }
}, checkpointIntervalMs);

parentPort?.on('message', (message: QueryWorkerRequest | QueryWorkerClose) => {
  if (message.type === 'close') {
    clearInterval(timer);
    database.close();
    checkpointer.close();
    parentPort?.close();
    return;
  }
  const { id, sequence, meter, query } = message;
  try {
    const key = `${sequence}:${meter.updatedAt}`;
    let compiledMeter = compiled.get(key);
    if (!compiledMeter) {
      compiledMeter = compileMeter({ sequence, meter });
      compiled.set(key, compiledMeter);
    }
    const result = runMeterQuery({ store: { database, dictionary }, meter: compiledMeter, query });
    parentPort?.postMessage({ id, result });
  } catch (error) {
    parentPort?.postMessage({ id, error: String((error as Error)?.stack ?? error) });
  }
});
