import {
  createUsageOutbox,
  type OutboxIngestClient,
  OutboxLockedError,
  type OutboxLogger,
  OutboxWriteError,
  type UsageOutbox,
} from '@llm-meter/meter-outbox';
import { AppConfigError } from './app-config-error.js';
import { explainDataPathError, findSystemError } from './explain-data-path-error.js';
import type { AppConfig } from './load-app-config.js';

/**
 * Opens the app's outbox in `config.outboxDir`. A directory that cannot be created or written is
 * an `AppConfigError` naming `LLM_METER_OUTBOX_DIR` (or `LLM_METER_DATA_DIR`, which holds it by
 * default), and so is one another live process holds.
 */
export async function createAppOutbox({
  config,
  client,
  logger,
}: {
  config: AppConfig;
  client: OutboxIngestClient;
  logger: OutboxLogger;
}): Promise<UsageOutbox> {
  try {
    return await createUsageOutbox({ client, dir: config.outboxDir, logger });
  } catch (error) {
    if (error instanceof OutboxLockedError) {
      throw new AppConfigError(
        `the outbox journal ${config.outboxDir} is in use by process ${error.ownerPid} (another run of this app?): stop it, or set LLM_METER_OUTBOX_DIR to another directory.`,
        { cause: error },
      );
    }
    if (error instanceof OutboxWriteError || findSystemError(error) !== undefined) {
      throw explainDataPathError({
        error,
        config,
        dataPath: 'outbox',
        action: 'open',
        path: config.outboxDir,
      });
    }
    throw error;
  }
}
