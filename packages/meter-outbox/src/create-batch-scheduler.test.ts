import { describe, expect, it } from 'vitest';
import { createBatchScheduler } from './create-batch-scheduler.js';
import { createTestEvent } from './testing/start-test-openmeter.js';
import type { OutboxEntry } from './usage-outbox-types.js';

const entry = (sequence: number): OutboxEntry => ({
  sequence,
  enqueuedAt: 0,
  id: `event-${sequence}`,
  event: createTestEvent({ index: sequence }),
  location: undefined,
});

/** Resolves when `deliver` has been called `count` times in all, however long that takes. */
function countDeliveries() {
  let calls = 0;
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  return {
    record() {
      calls += 1;
      for (const waiter of waiters.filter((item) => item.count <= calls)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    },
    reached(count: number): Promise<void> {
      if (calls >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
  };
}

describe('createBatchScheduler', () => {
  it('sends full batches at once and partial ones after the flush interval', async () => {
    const batches: number[][] = [];
    const deliveries = countDeliveries();
    const scheduler = createBatchScheduler({
      batchSize: 3,
      concurrency: 1,
      flushIntervalMs: 30,
      deliver: async (batch) => {
        batches.push(batch.map((item) => item.sequence));
        deliveries.record();
      },
      isOwed: () => true,
      onDeliverError: () => {},
      backoff: async () => {},
    });
    for (let sequence = 1; sequence <= 4; sequence++) scheduler.push(entry(sequence));
    // The full batch went at once; the partial one waits for the flush timer.
    expect(batches).toEqual([[1, 2, 3]]);
    await deliveries.reached(2);
    expect(batches).toEqual([[1, 2, 3], [4]]);
    scheduler.stop();
  });

  it('puts a batch whose delivery threw back at the head of the queue', async () => {
    const attempts: number[][] = [];
    const errors: number[] = [];
    const settled = new Set<number>();
    const deliveries = countDeliveries();
    const scheduler = createBatchScheduler({
      batchSize: 2,
      concurrency: 1,
      flushIntervalMs: 1000,
      deliver: async (batch) => {
        attempts.push(batch.map((item) => item.sequence));
        deliveries.record();
        settled.add(batch[0]?.sequence as number);
        if (attempts.length === 1) throw new Error('ENOSPC: could not write the ack');
        for (const item of batch) settled.add(item.sequence);
      },
      isOwed: (item) => !settled.has(item.sequence) || item.sequence === 1,
      onDeliverError: ({ requeued }) => errors.push(requeued),
      backoff: async () => {},
    });
    for (let sequence = 1; sequence <= 4; sequence++) scheduler.push(entry(sequence));
    await deliveries.reached(3);
    expect(errors).toEqual([2]);
    expect(attempts).toEqual([
      [1, 2],
      [1, 2],
      [3, 4],
    ]);
    scheduler.stop();
  });
});
