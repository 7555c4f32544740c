import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { openMeterMeters } from '@llm-meter/meter-core';
import {
  createOpenMeterClient,
  type OpenMeterClient,
  type OpenMeterClientOptions,
} from '@llm-meter/openmeter-client';
import { AppConfigError } from './app-config-error.js';
import { explainDataPathError } from './explain-data-path-error.js';
import { importEmbeddedServer } from './import-embedded-server.js';
import type { AppConfig } from './load-app-config.js';

/** An OpenMeter to talk to: the configured one, or openmeter-local started on the app's data. */
export interface OpenMeterConnection {
  /** Where it answers: `OPENMETER_URL`, or openmeter-local's `http://127.0.0.1:<port>`. */
  url: string;
  /** A client with retries on (for queries). */
  client: OpenMeterClient;
  /** What `client` was made with, to make another (e.g. without retries, for the outbox). */
  clientOptions: OpenMeterClientOptions;
  /** Stops openmeter-local when it was started; nothing otherwise. */
  close(): Promise<void>;
}

/**
 * Connects to `OPENMETER_URL` (with `OPENMETER_API_KEY`), or, when it is unset, starts
 * openmeter-local on `OPENMETER_LOCAL_DB` (in `.llm-meter/` by default) with the shipped meters
 * and announces it in one line. A database path that cannot be created or opened is an
 * `AppConfigError` naming the variable to change; so is a missing one with `readOnly` (a
 * command that only reads, such as `pnpm usage`, has nothing to read before the main job ran).
 */
export async function connectOpenMeter({
  config,
  announce,
  readOnly = false,
}: {
  config: AppConfig;
  announce: (line: string) => void;
  /** Only reading: refuse to start openmeter-local on a database that does not exist yet. */
  readOnly?: boolean | undefined;
}): Promise<OpenMeterConnection> {
  let url = config.openmeter.url;
  let close = async () => {};
  if (url === undefined) {
    const dbPath = config.openmeter.localDbPath;
    if (readOnly && !existsSync(dbPath)) {
      throw new AppConfigError(
        `no OPENMETER_URL, and the embedded OpenMeter has no data at ${dbPath}: run the main job first (pnpm start), set LLM_METER_DATA_DIR or OPENMETER_LOCAL_DB to where its data is, or set OPENMETER_URL (and OPENMETER_API_KEY) to read another OpenMeter`,
      );
    }
    try {
      await mkdir(dirname(dbPath), { recursive: true });
    } catch (error) {
      throw explainDataPathError({
        error,
        config,
        dataPath: 'openmeter-local',
        action: 'create the folder of',
        path: dbPath,
      });
    }
    const { OpenMeterLocalDatabaseError, startOpenMeterLocal } = await importEmbeddedServer({
      name: '@llm-meter/openmeter-local',
      settings: 'OPENMETER_URL',
    });
    const local = await startOpenMeterLocal({
      meters: openMeterMeters,
      dbPath,
      apiKey: config.openmeter.apiKey,
      port: config.openmeter.localPort,
    }).catch((error: unknown) => {
      if (!(error instanceof OpenMeterLocalDatabaseError)) throw error;
      throw explainDataPathError({
        error,
        config,
        dataPath: 'openmeter-local',
        action: 'open',
        path: dbPath,
      });
    });
    close = () => local.close();
    url = local.url;
    announce(
      `no OPENMETER_URL: using the local OpenMeter-compatible server at ${local.url} (database ${dbPath})`,
    );
  }
  const clientOptions: OpenMeterClientOptions = {
    baseUrl: url,
    apiKey: config.openmeter.apiKey,
    defaultSource: config.eventSource,
  };
  const client = createOpenMeterClient({ ...clientOptions, retry: { maxElapsedMs: 10_000 } });
  return { url, client, clientOptions, close };
}
