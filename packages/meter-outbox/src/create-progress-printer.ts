import type { DrainProgress } from './usage-outbox-types.js';

/**
 * Returns an `onProgress` callback for `flush`/`close` that prints one line to stderr (or
 * `stream`) per tick while at least `minPending` events are left, e.g.
 * `meter-outbox: draining 12,000 pending (4,100 events/s, ~3 s left)`.
 * @see https://nodejs.org/api/process.html#processstderr
 */
export function createProgressPrinter({
  minPending = 1000,
  stream = process.stderr,
}: {
  minPending?: number;
  stream?: { write(text: string): unknown };
} = {}): (progress: DrainProgress) => void {
  return ({ pending, eventsPerSecond }) => {
    if (pending < minPending) return;
    const left =
      eventsPerSecond > 0
        ? `, ~${Math.ceil(pending / eventsPerSecond)} s left`
        : ', waiting for OpenMeter';
    stream.write(
      `meter-outbox: draining ${pending.toLocaleString('en-US')} pending (${eventsPerSecond.toLocaleString('en-US')} events/s${left})\n`,
    );
  };
}
