// Outboxes for the journal tests: one that never delivers (a process about to die) and the next
// process's, which delivers whatever its predecessor left journaled.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createUsageOutbox, type OutboxEvent, type UsageOutbox } from '@llm-meter/meter-outbox';

/**
 * An outbox that delivers nowhere, as a process that is about to die: on `dir`, or on a fresh
 * directory (named with `prefix`, added to `directories` for the test's clean-up).
 */
export async function openDyingOutbox({
  dir = undefined,
  prefix = 'llm-meter-dying-',
  directories = [],
}: {
  dir?: string | undefined;
  prefix?: string | undefined;
  directories?: string[] | undefined;
}): Promise<{ dir: string; outbox: UsageOutbox }> {
  const outboxDir = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  if (dir === undefined) directories.push(outboxDir);
  const outbox = await createUsageOutbox({
    client: { events: { ingest: () => new Promise<void>(() => undefined) } },
    dir: outboxDir,
    logger: false,
  });
  return { dir: outboxDir, outbox };
}

/** What the next process delivers from `dir`: everything its predecessor left journaled. */
export async function deliverLeftovers(dir: string): Promise<OutboxEvent[]> {
  const delivered: OutboxEvent[] = [];
  const outbox = await createUsageOutbox({
    client: { events: { ingest: async (events) => void delivered.push(...events) } },
    dir,
    logger: false,
  });
  await outbox.flush();
  await outbox.close();
  return delivered;
}
