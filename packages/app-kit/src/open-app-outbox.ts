import type { OutboxIngestClient, UsageOutbox } from '@llm-meter/meter-outbox';
import { createAppOutbox } from './create-app-outbox.js';
import type { AppConfig } from './load-app-config.js';

/**
 * Opens the app's outbox as `createAppOutbox` does, printing its warnings and errors as
 * `outbox: ...` lines, and says in one line how many events an earlier run left to deliver.
 */
export async function openAppOutbox({
  config,
  client,
  print,
  printError,
}: {
  config: AppConfig;
  client: OutboxIngestClient;
  print: (line: string) => void;
  printError: (line: string) => void;
}): Promise<UsageOutbox> {
  const outbox = await createAppOutbox({
    config,
    client,
    logger: {
      warn: (message) => printError(`outbox: ${message}`),
      error: (message) => printError(`outbox: ${message}`),
    },
  });
  const recovered = outbox.stats().pending;
  if (recovered > 0) {
    print(`outbox: ${recovered} event(s) journaled by an earlier run will be delivered`);
  }
  return outbox;
}
