import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type OpenMeterLocalLogger, silentLogger } from './create-logger.js';
import { createRequestHandler } from './http/create-request-handler.js';
import { loadMetersFile, resolveDefaultMetersFile } from './meters/load-meters-file.js';
import { safeParseMeterCreate } from './meters/parse-meter-create.js';
import type { MeterCreate } from './openmeter-types.js';
import { OpenMeterStore } from './storage/open-meter-store.js';

/**
 * Default request body limit: 10 MiB.
 * @see https://openmeter.io/docs/api/cloud
 */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * Options of `startOpenMeterLocal`.
 * @see https://openmeter.io/docs/api/cloud
 */
export interface StartOpenMeterLocalOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1 (not reachable from other machines). */
  host?: string;
  /** SQLite file, or ':memory:' (default) for a database that lives as long as the server. */
  dbPath?: string;
  /**
   * YAML file in OpenMeter's config format (`meters:`). When neither this nor `meters` is given,
   * meter-core's LLM token meters (`@llm-meter/meter-core/meters/openmeter-meters.yaml`) are used.
   */
  metersFile?: string;
  /** Meter definitions, added to those of `metersFile`. */
  meters?: readonly MeterCreate[];
  /** When set, every request must send `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Where to log; silent by default. */
  logger?: OpenMeterLocalLogger;
  /** Largest accepted request body in bytes (413 above); default 10 MiB. */
  maxBodyBytes?: number;
}

/**
 * A running openmeter-local server.
 * @see https://openmeter.io/docs/api/cloud
 */
export interface OpenMeterLocal {
  /** Base URL for the OpenMeter client, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  url: string;
  port: number;
  /** Stops accepting requests, closes open connections and the database. */
  close(): Promise<void>;
}

function collectMeters({
  metersFile,
  meters,
  logger,
}: Pick<StartOpenMeterLocalOptions, 'metersFile' | 'meters'> & {
  logger: OpenMeterLocalLogger;
}): MeterCreate[] {
  const collected: MeterCreate[] = [];
  let file = metersFile;
  if (file === undefined && meters === undefined) {
    file = resolveDefaultMetersFile();
    if (file === undefined) {
      logger.warn(
        'meter-core default meters not found: starting without meters; pass metersFile or meters',
      );
    }
  }
  if (file !== undefined) collected.push(...loadMetersFile(file));
  for (const [index, candidate] of (meters ?? []).entries()) {
    const parsed = safeParseMeterCreate(candidate);
    if (!parsed.success)
      throw new Error(`meters[${index}] is invalid: ${parsed.errors.join('; ')}`);
    collected.push(parsed.value);
  }
  const slugs = new Set<string>();
  for (const meter of collected) {
    if (slugs.has(meter.slug))
      throw new Error(`Meter slug ${meter.slug} is defined twice: keep one definition.`);
    slugs.add(meter.slug);
  }
  return collected;
}

/**
 * Starts an OpenMeter-compatible server (the subset of OpenMeter's HTTP API this project uses)
 * backed by SQLite, for development and tests. Point the OpenMeter client at `url`.
 * @see https://openmeter.io/docs/api/cloud
 */
export async function startOpenMeterLocal(
  options: StartOpenMeterLocalOptions = {},
): Promise<OpenMeterLocal> {
  const { port = 0, host = '127.0.0.1', dbPath = ':memory:', apiKey } = options;
  const logger = options.logger ?? silentLogger;
  const meters = collectMeters({ metersFile: options.metersFile, meters: options.meters, logger });
  const store = new OpenMeterStore({ dbPath });
  try {
    store.syncConfigMeters(meters);
  } catch (error) {
    store.close();
    throw error;
  }
  const server = createServer(
    createRequestHandler({
      store,
      logger,
      apiKey,
      maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    }),
  );
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
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
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => {
          store.close();
          if (error) reject(error);
          else resolve();
        });
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
