import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CompiledMeter } from '../meters/compile-meter.js';
import type { MeterQueryResult } from '../openmeter-types.js';
import type { OpenMeterStore } from '../storage/open-meter-store.js';
import type { MeterQuery } from './meter-query.js';
import type { QueryWorkerClose, QueryWorkerRequest } from './query-worker.js';
import { runMeterQuery } from './run-meter-query.js';

/**
 * Runs meter queries: on a worker thread with its own read-only connection for a file
 * database, so ingestion on the main thread is never stalled by a query (the worker also
 * checkpoints the WAL, which the store then leaves to it); in process for `:memory:` (which no
 * second connection can open).
 */
export interface QueryRunner {
  run(input: { meter: CompiledMeter; query: MeterQuery }): Promise<MeterQueryResult>;
  /** Stops the worker, failing queries still running. */
  close(): Promise<void>;
}

// How often the worker checkpoints the WAL into the database file.
const CHECKPOINT_INTERVAL_MS = 1_000;

function startWorker(dbPath: string): Worker {
  const workerData = { dbPath, checkpointIntervalMs: CHECKPOINT_INTERVAL_MS };
  const isSource = import.meta.url.endsWith('.ts');
  const entry = new URL(`./query-worker${isSource ? '.ts' : '.js'}`, import.meta.url);
  if (!isSource) return new Worker(entry, { workerData });
  // Running from TypeScript sources (tests, `pnpm dev`): register tsx inside the worker first.
  const tsxCommonJs = createRequire(import.meta.url).resolve('tsx/esm/api');
  const tsx = pathToFileURL(tsxCommonJs.replace(/\.cjs$/, '.mjs')).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { (api.register ?? api.default.register)(); return import(${JSON.stringify(entry.href)}); });`;
  // Not the parent's flags: a `--import tsx` inherited from `pnpm dev` would load tsx twice.
  return new Worker(bootstrap, { eval: true, execArgv: [], workerData });
}

/**
 * Creates the query runner of a store; see `QueryRunner`.
 */
export function createQueryRunner({
  store,
  dbPath,
}: {
  store: OpenMeterStore;
  dbPath: string;
}): QueryRunner {
  if (dbPath === ':memory:' || dbPath === '') {
    return {
      run: async ({ meter, query }) => runMeterQuery({ store, meter, query }),
      close: async () => undefined,
    };
  }
  const worker = startWorker(dbPath);
  worker.unref();
  // The worker checkpoints from now on: none inside an ingest commit.
  if (store.database.open) store.database.pragma('wal_autocheckpoint = 0');
  let exited = false;
  const exit = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const pending = new Map<
    number,
    { resolve: (result: MeterQueryResult) => void; reject: (error: Error) => void }
  >();
  let nextId = 0;
  let failure: Error | undefined;
  const failAll = (error: Error) => {
    failure = error;
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
  };
  worker.on('message', (message: { id: number; result?: MeterQueryResult; error?: string }) => {
    const waiting = pending.get(message.id);
    if (!waiting) return;
    pending.delete(message.id);
    if (message.error !== undefined) waiting.reject(new Error(`query worker: ${message.error}`));
    else waiting.resolve(message.result as MeterQueryResult);
  });
  worker.on('error', (error) =>
    failAll(new Error(`The query worker failed: ${error.message}`, { cause: error })),
  );
  worker.on('exit', () => {
    exited = true;
    // Checkpointing falls back to SQLite's default, inside commits.
    if (store.database.open) store.database.pragma('wal_autocheckpoint = 1000');
    failAll(failure ?? new Error('The query worker has stopped.'));
  });
  return {
    run({ meter, query }) {
      if (failure) return Promise.reject(failure);
      const id = nextId++;
      return new Promise<MeterQueryResult>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        if (pending.size === 1) worker.ref();
        const request: QueryWorkerRequest = {
          type: 'query',
          id,
          sequence: meter.sequence,
          meter: meter.meter,
          query,
        };
        worker.postMessage(request);
      }).finally(() => {
        if (pending.size === 0) worker.unref();
      });
    },
    async close() {
      if (exited) return;
      const close: QueryWorkerClose = { type: 'close' };
      worker.postMessage(close);
      // A worker stuck in a long query is stopped rather than waited for.
      const timeout = setTimeout(() => void worker.terminate(), 5_000);
      await exit;
      clearTimeout(timeout);
    },
  };
}
