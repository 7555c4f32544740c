import { createUsageOutbox, type OutboxEvent, type UsageOutbox } from '@llm-meter/meter-outbox';

/**
 * An outbox without a directory (events held in memory) that delivers everything into
 * `delivered`, flushing every 5 ms: for tests that read what was delivered.
 */
export async function openMemoryOutbox(): Promise<{
  outbox: UsageOutbox;
  delivered: OutboxEvent[];
}> {
  const delivered: OutboxEvent[] = [];
  const outbox = await createUsageOutbox({
    client: { events: { ingest: async (events) => void delivered.push(...events) } },
    flushIntervalMs: 5,
    logger: false,
  });
  return { outbox, delivered };
}
