import type { OutboxEntry } from './usage-outbox-types.js';

/**
 * The queue of entries waiting to be sent, and the workers that send them.
 */
export interface BatchScheduler {
  /** Queues an entry; starts a worker at a full batch, or arms the flush timer. */
  push(entry: OutboxEntry): void;
  /** Sends partial batches too, now and until the queue next runs empty. */
  drainNow(): void;
  /** Stops starting work and clears the timer. */
  stop(): void;
}

/**
 * Batches queued entries: a worker starts when `batchSize` entries wait, or `flushIntervalMs`
 * after the first of a partial batch, with at most `concurrency` batches in flight. A batch whose
 * `deliver` throws is put back at the head of the queue (what `isOwed` still reports) and retried
 * after `backoff(attempt)`.
 */
export function createBatchScheduler({
  batchSize,
  concurrency,
  flushIntervalMs,
  deliver,
  isOwed,
  onDeliverError,
  backoff,
}: {
  batchSize: number;
  concurrency: number;
  flushIntervalMs: number;
  deliver: (batch: OutboxEntry[]) => Promise<void>;
  isOwed: (entry: OutboxEntry) => boolean;
  onDeliverError: (input: { error: unknown; requeued: number }) => void;
  backoff: (attempt: number) => Promise<void>;
}): BatchScheduler {
  let queue: OutboxEntry[] = [];
  let head = 0;
  const length = () => queue.length - head;
  let stopped = false;
  let drainPartial = false;
  let activeWorkers = 0;
  let timer: NodeJS.Timeout | undefined;

  const takeBatch = () => {
    const batch = queue.slice(head, head + batchSize);
    head += batch.length;
    // Drop the consumed prefix now and then instead of shifting on every batch.
    if (head > 4096 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
    return batch;
  };

  const work = async () => {
    activeWorkers += 1;
    let failures = 0;
    while (!stopped && (length() >= batchSize || (drainPartial && length() > 0))) {
      const batch = takeBatch();
      try {
        await deliver(batch);
        failures = 0;
      } catch (error) {
        // E.g. the ack or the dead-letter line could not be written: never strand the batch.
        const owed = batch.filter(isOwed);
        queue.splice(head, 0, ...owed);
        onDeliverError({ error, requeued: owed.length });
        await backoff(failures++);
      }
    }
    activeWorkers -= 1;
    if (length() === 0) drainPartial = false;
    schedule();
  };

  const kick = () => {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    while (!stopped && activeWorkers < concurrency && length() > 0) {
      if (length() < batchSize && !drainPartial) break;
      void work();
    }
  };

  function schedule() {
    if (stopped || length() === 0) return;
    if (length() >= batchSize || drainPartial) return kick();
    if (timer === undefined) {
      timer = setTimeout(() => {
        timer = undefined;
        drainPartial = true;
        kick();
      }, flushIntervalMs);
      // The journal keeps what is queued: a pending flush must not keep the process alive.
      timer.unref();
    }
  }

  return {
    push(entry) {
      queue.push(entry);
      schedule();
    },
    drainNow() {
      drainPartial = true;
      kick();
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
