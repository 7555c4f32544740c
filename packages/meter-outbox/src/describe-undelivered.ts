import * as path from 'node:path';
import { formatCount } from './format-count.js';
import type { WarningNotice } from './outbox-emitter.js';

/**
 * What `close` could not deliver, as the one warning to give: how many events and crash events of
 * open streams, and where they wait (`dir`, made absolute: a relative one means nothing to whoever
 * reads the log later), or that they are lost (memory mode, `dir` undefined). Undefined when
 * nothing is left.
 */
export function describeUndelivered({
  pending,
  openStreams,
  onExit,
  drainOnExitMs,
  dir,
}: {
  pending: number;
  openStreams: number;
  /** Closed by the drain on a normal process exit rather than by `close()`. */
  onExit: boolean;
  drainOnExitMs: number | false;
  dir: string | undefined;
}): WarningNotice | undefined {
  if (pending === 0 && openStreams === 0) return undefined;
  const left = [
    pending > 0 ? formatCount({ count: pending, noun: 'event' }) : undefined,
    openStreams > 0
      ? `the crash ${openStreams === 1 ? 'event' : 'events'} of ${formatCount({ count: openStreams, noun: 'open stream' })}`
      : undefined,
  ]
    .filter((part) => part !== undefined)
    .join(' and ');
  const one = pending + openStreams === 1;
  const when = onExit ? `Process exiting after draining for ${drainOnExitMs} ms` : 'Closed';
  if (dir === undefined) {
    const advice = onExit
      ? 'Call `await outbox.close()` before exit, or use a `dir`.'
      : `Use a \`dir\` to keep ${one ? 'it' : 'them'} across restarts.`;
    return {
      message: `${when} with ${left} undelivered in a memory-mode outbox: ${one ? 'it is' : 'they are'} lost. ${advice}`,
      details: { pending, openStreams },
    };
  }
  const where = path.resolve(dir);
  return {
    message: `${when} with ${left} undelivered: ${one ? 'it stays' : 'they stay'} journaled in ${where} and ${one ? 'is' : 'are'} sent by the next outbox opened on that directory.`,
    details: { pending, openStreams, dir: where },
  };
}
