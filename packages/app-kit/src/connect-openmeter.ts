import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { openMeterMeters } from '@llm-meter/meter-core';
import {
  createOpenMeterClient,
  type OpenMeterClient,
  type OpenMeterClientOptions,
} from '@llm-meter/openmeter-client';
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
 * `AppConfigError` naming the variable to change.
 */
export async function connectOpenMeter({
  config,
  announce,
}: {
  config: AppConfig;
  announce: (line: string) => void;
}): Promise<OpenMeterConnection> {
  let url = config.openmeter.url;
  let close = async () => {};
  if (url === undefined) {
    const dbPath = config.openmeter.localDbPath;
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
