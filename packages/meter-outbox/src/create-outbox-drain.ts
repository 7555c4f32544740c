import type { DrainOptions } from './usage-outbox-types.js';
import { waitFor } from './wait-for.js';

/**
 * Waiting for the outbox to drain: `notifySettled()` is called whenever something settles,
 * `drain` waits until `isDone()` holds or the deadline passes, reporting progress about once a
 * second, and resolves whether it got done.
 */
export interface OutboxDrain {
  notifySettled(): void;
  drain(options: DrainOptions & { isDone: () => boolean }): Promise<boolean>;
}

/**
 * Creates the drain waiter; `delivered()` and `pending()` feed the progress reports, `now`
 * (milliseconds since the epoch) their elapsed time.
 */
export function createOutboxDrain({
  now,
  delivered,
  pending,
}: {
  now: () => number;
  delivered: () => number;
  pending: () => number;
}): OutboxDrain {
  let settleWaiters: Array<() => void> = [];
  const nextSettlement = () => new Promise<void>((resolve) => settleWaiters.push(resolve));
  return {
    notifySettled() {
      const waiters = settleWaiters;
      settleWaiters = [];
      for (const waiter of waiters) waiter();
    },
    drain({ isDone, deadlineMs, onProgress }) {
      const startedAt = now();
      const deliveredAtStart = delivered();
      return waitFor({
        isDone,
        deadlineMs,
        nextChange: nextSettlement,
        onTick: onProgress
          ? () => {
              const elapsedMs = now() - startedAt;
              const count = delivered() - deliveredAtStart;
              const eventsPerSecond = elapsedMs > 0 ? Math.round((count * 1000) / elapsedMs) : 0;
              onProgress({ pending: pending(), delivered: count, elapsedMs, eventsPerSecond });
            }
          : undefined,
      });
    },
  };
}
