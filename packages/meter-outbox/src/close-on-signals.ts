import type { DrainOptions, UsageOutbox } from './usage-outbox-types.js';

/**
 * Closes the outbox on SIGTERM/SIGINT (or `signals`) within `deadlineMs`, then calls `onClosed`
 * (default: exit with 0, or 1 if events are left; they stay journaled for the next start). Returns
 * a function that removes the handlers.
 * @see https://nodejs.org/api/process.html#signal-events
 */
export function closeOnSignals({
  outbox,
  signals = ['SIGTERM', 'SIGINT'],
  deadlineMs = 5000,
  onProgress,
  onClosed = ({ drained }) => process.exit(drained ? 0 : 1),
}: {
  outbox: UsageOutbox;
  signals?: NodeJS.Signals[];
  deadlineMs?: number;
  onProgress?: DrainOptions['onProgress'];
  onClosed?: (result: { drained: boolean; pending: number; signal: NodeJS.Signals }) => void;
}): () => void {
  const handler = (signal: NodeJS.Signals) => {
    void outbox
      .close({ deadlineMs, onProgress })
      .then(({ drained, pending }) => onClosed({ drained, pending, signal }));
  };
  for (const signal of signals) process.once(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}
