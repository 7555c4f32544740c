import type { DrainProgress } from './usage-outbox-types.js';

/**
 * Returns an `onProgress` callback for `flush`/`close` that prints one line to stderr (or
 * `stream`) per tick once the drain has run for `minElapsedMs` (default one second) with events
 * still pending (at least `minPending`, default 1), e.g.
 * `meter-outbox: draining 12,000 pending (4,100 events/s, ~3 s left)`. A drain that ends within a
 * second prints nothing.
 * @see https://nodejs.org/api/process.html#processstderr
 */
export function createProgressPrinter({
  minPending = 1,
  minElapsedMs = 1000,
  stream = process.stderr,
}: {
  minPending?: number;
  minElapsedMs?: number;
  stream?: { write(text: string): unknown };
} = {}): (progress: DrainProgress) => void {
  return ({ pending, eventsPerSecond, elapsedMs }) => {
    if (pending < minPending || elapsedMs < minElapsedMs) return;
    const left =
      eventsPerSecond > 0
        ? `, ~${Math.ceil(pending / eventsPerSecond)} s left`
        : ', waiting for OpenMeter';
    stream.write(
      `meter-outbox: draining ${pending.toLocaleString('en-US')} pending (${eventsPerSecond.toLocaleString('en-US')} events/s${left})\n`,
    );
  };
}
