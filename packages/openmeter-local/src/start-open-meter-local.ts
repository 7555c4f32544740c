import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { SqliteError } from 'better-sqlite3';
import type { Hono } from 'hono';
import { type OpenMeterLocalLogger, silentLogger } from './create-logger.js';
import { createOpenMeterApp } from './http/create-open-meter-app.js';
import { createProblem } from './http/http-problem.js';
import { DEFAULT_REQUEST_LIMITS, type RequestLimits } from './http/request-limits.js';
import { loadMetersFile } from './meters/load-meters-file.js';
import { safeParseMeterCreate } from './meters/parse-meter-create.js';
import { OpenMeterLocalDatabaseError } from './open-meter-local-database-error.js';
import type { MeterCreate } from './openmeter-types.js';
import { createQueryRunner } from './query/create-query-runner.js';
import {
  BUSY_TIMEOUT_MS,
  type MeterSyncOutcome,
  OpenMeterStore,
} from './storage/open-meter-store.js';

/**
 * Largest request line plus headers the socket server reads (Node's default is 16 KiB), so a
 * long GET query reaches the query parser and gets a 400 that names the limit it broke.
 * @see https://nodejs.org/api/http.html#httpcreateserveroptions-requestlistener
 */
export const MAX_HEADER_BYTES = 256 * 1024;

/**
 * Options of `startOpenMeterLocal` and `createOpenMeterLocal`.
 * @see https://openmeter.io/docs/api/cloud
 */
export interface OpenMeterLocalOptions {
  /** SQLite file, or ':memory:' (default) for a database that lives as long as the server. */
  dbPath?: string;
  /**
   * Meter definitions. Nothing is assumed: without `meters` or `metersFile` a new database starts
   * with none (meters can still be created with `POST /api/v1/meters`). Meters already in the
   * database that these do not define are kept unless `pruneMeters` is set.
   */
  meters?: readonly MeterCreate[];
  /** YAML file in OpenMeter's config format (`meters:`), added to `meters`. */
  metersFile?: string;
  /**
   * Delete the meters an earlier `meters` / `metersFile` created that these no longer define
   * (meters created through the API stay). Default false: such meters are kept, with their
   * readings, and only listed in an info log line.
   */
  pruneMeters?: boolean;
  /** When set, every request must send `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Where to log; silent by default. */
  logger?: OpenMeterLocalLogger;
  /** Largest accepted request body in bytes (413 above); default 10 MiB. */
  maxBodyBytes?: number;
  /** Other request limits (nesting, filter sizes, listed errors); defaults in `DEFAULT_REQUEST_LIMITS`. */
  limits?: Partial<RequestLimits>;
  /**
   * The server's clock: ingestion and storage times, the default time of events without one,
   * default query ranges, creation, reset and entitlement value times. Default
   * `() => new Date()`.
   */
  now?: (() => Date) | undefined;
}

/**
 * Options of `startOpenMeterLocal`.
 * @see https://openmeter.io/docs/api/cloud
 */
export interface StartOpenMeterLocalOptions extends OpenMeterLocalOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1 (not reachable from other machines). */
  host?: string;
}

/**
 * openmeter-local without a socket: its Hono app, to call in process with `app.fetch(request)`
 * (for example as the OpenMeter client's `fetch`).
 * @see https://hono.dev/docs/api/hono#fetch
 */
export interface OpenMeterLocalApp {
  app: Hono;
  /** A `fetch` answered by the app in process: pass it wherever a `fetch` is expected. */
  fetch: typeof globalThis.fetch;
  /** Closes the database. */
  close(): Promise<void>;
}

/**
 * A running openmeter-local server.
 * @see https://openmeter.io/docs/api/cloud
 */
export interface OpenMeterLocal extends OpenMeterLocalApp {
  /** Base URL for the OpenMeter client, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  url: string;
  port: number;
  /** Stops accepting requests, closes open connections and the database. */
  close(): Promise<void>;
}

function collectMeters({
  metersFile,
  meters,
}: Pick<OpenMeterLocalOptions, 'metersFile' | 'meters'>): MeterCreate[] {
  const collected: MeterCreate[] = [];
  for (const [index, candidate] of (meters ?? []).entries()) {
    const parsed = safeParseMeterCreate(candidate);
    if (!parsed.success)
      throw new Error(`meters[${index}] is invalid: ${parsed.errors.join('; ')}`);
    collected.push(parsed.value);
  }
  if (metersFile !== undefined) collected.push(...loadMetersFile(metersFile));
  const slugs = new Set<string>();
  for (const meter of collected) {
    if (slugs.has(meter.slug))
      throw new Error(`Meter slug ${meter.slug} is defined twice: keep one definition.`);
    slugs.add(meter.slug);
  }
  return collected;
}

function openStore({
  options,
  logger,
}: {
  options: OpenMeterLocalOptions;
  logger: OpenMeterLocalLogger;
}): { store: OpenMeterStore; meters: MeterCreate[] } {
  const meters = collectMeters({ metersFile: options.metersFile, meters: options.meters });
  const dbPath = options.dbPath ?? ':memory:';
  let store: OpenMeterStore;
  try {
    store = new OpenMeterStore({ dbPath, now: options.now });
  } catch (error) {
    throw (
      explainBusyDatabase({ error, dbPath }) ??
      new OpenMeterLocalDatabaseError(
        dbPath,
        `Cannot open the database ${dbPath}: ${(error as Error).message}; check --db / dbPath (its folder must exist and be writable).`,
        { cause: error },
      )
    );
  }
  let outcome: MeterSyncOutcome;
  try {
    outcome = store.syncConfigMeters({ meters, prune: options.pruneMeters });
  } catch (error) {
    store.close();
    throw explainBusyDatabase({ error, dbPath }) ?? error;
  }
  if (outcome.unlisted.length > 0) {
    logger.info(
      `kept ${outcome.unlisted.length} meters an earlier meters file created and these meters do not define (pass --prune-meters / pruneMeters to delete them): ${outcome.unlisted.join(', ')}`,
    );
  }
  if (outcome.pruned.length > 0) {
    logger.info(
      `deleted ${outcome.pruned.length} meters no longer defined (--prune-meters / pruneMeters): ${outcome.pruned.join(', ')}`,
    );
  }
  if (store.listMeters().length === 0) {
    logger.warn('openmeter-local has no meters: pass meters or metersFile, or POST /api/v1/meters');
  }
  return { store, meters };
}

/**
 * The one-line error for a database another process kept locked for writing longer than the
 * busy timeout, or undefined for other errors.
 */
function explainBusyDatabase({
  error,
  dbPath,
}: {
  error: unknown;
  dbPath: string;
}): Error | undefined {
  if (!(error instanceof SqliteError) || error.code !== 'SQLITE_BUSY') return undefined;
  return new Error(
    `Cannot start on the database ${dbPath}: another process kept it locked for writing for more than ${BUSY_TIMEOUT_MS / 1000} s (another openmeter-local, or an app that started one on the same file, busy creating meters or ingesting); start again once it is done, or use another --db / OPENMETER_LOCAL_DB / LLM_METER_DATA_DIR.`,
    { cause: error },
  );
}

/**
 * Creates openmeter-local without listening on a socket: the SQLite store plus the Hono app of
 * the OpenMeter API subset. `fetch` answers exactly as the socket server does.
 * @see https://hono.dev/docs/api/hono#fetch
 */
export function createOpenMeterLocal(options: OpenMeterLocalOptions = {}): OpenMeterLocalApp {
  const { app, store, queries } = openApp(options);
  return {
    app,
    fetch: createAppFetch(app),
    close: async () => {
      await queries.close();
      store.close();
    },
  };
}

// The store, its query runner and the Hono app, as both entry points open them.
function openApp(options: OpenMeterLocalOptions) {
  const logger = options.logger ?? silentLogger;
  const { store, meters } = openStore({ options, logger });
  const queries = createQueryRunner({ store, dbPath: options.dbPath ?? ':memory:' });
  const app = createOpenMeterApp({
    store,
    logger,
    apiKey: options.apiKey,
    limits: resolveLimits(options),
    queries,
    now: options.now,
  });
  return { app, store, meters, queries, logger };
}

function createAppFetch(app: Hono): typeof globalThis.fetch {
  return async (input, init) => app.fetch(new Request(input, init));
}

function resolveLimits(options: OpenMeterLocalOptions): RequestLimits {
  return {
    ...DEFAULT_REQUEST_LIMITS,
    ...options.limits,
    ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
  };
}

/**
 * Starts an OpenMeter-compatible server (the subset of OpenMeter's HTTP API this project uses)
 * backed by SQLite, for development and tests. Point the OpenMeter client at `url`.
 * @see https://openmeter.io/docs/api/cloud
 */
export async function startOpenMeterLocal(
  options: StartOpenMeterLocalOptions = {},
): Promise<OpenMeterLocal> {
  const { port = 0, host = '127.0.0.1', dbPath = ':memory:' } = options;
  const { app, store, meters, queries, logger } = openApp(options);
  const server = createAdaptorServer({
    fetch: app.fetch,
    // An embedded server must not replace the process's global Request and Response.
    overrideGlobalObjects: false,
    serverOptions: { maxHeaderSize: MAX_HEADER_BYTES },
  }) as Server;
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return;
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const status = tooLarge ? 431 : 400;
    const body = JSON.stringify(
      createProblem({
        status,
        detail: tooLarge
          ? `The request line and headers exceed ${MAX_HEADER_BYTES} bytes: send long queries as POST with a JSON body.`
          : `Malformed HTTP request: ${error.message}`,
        instance: 'urn:request:openmeter-local/client-error',
      }),
    );
    socket.end(
      `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await queries.close();
    store.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new Error(
        `Port ${port} on ${host} is already in use: stop the other process or choose another port (0 picks a free one).`,
        { cause: error },
      );
    }
    throw error;
  }
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${urlHost}:${address.port}`;
  logger.info(`openmeter-local listening on ${url}`, {
    dbPath,
    meters: meters.map((meter) => meter.slug),
  });
  let closing: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    app,
    fetch: createAppFetch(app),
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => {
          queries
            .close()
            .catch(() => undefined)
            .then(() => {
              store.close();
              if (error) reject(error);
              else resolve();
            });
        });
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
