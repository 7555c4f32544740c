import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { createSseFramer, type SseEvent, type StreamFramer } from './create-sse-framer.js';

/** How a relayed stream ended: upstream finished it, or it broke off (or was aborted). */
export type RelayEnd = 'completed' | 'error';

/**
 * Relays an upstream stream (server-sent events, or the format `framer` splits) to the
 * caller's response as its bytes arrive:
 * never buffered beyond one unfinished event, paused while the caller's socket is full. Every
 * whole event is handed to `onEvent` before it is written; `false` keeps it from the caller;
`afterEvents` follows the writes of each read.
 * A caller that leaves does not stop upstream: the rest is read at full speed and handed to
 * `onEvent` (the answer upstream finished, its usage), unwritten, until upstream ends or its
 * owner aborts it. `onEnd` is called exactly once, however the stream ends; an upstream that
 * breaks off breaks the caller's connection the same way.
 */
export function relayStream({
  upstream,
  outgoing,
  status,
  headers,
  framer = createSseFramer(),
  onEvent,
  onEnd,
  onFirstWrite,
  afterEvents,
}: {
  upstream: Readable;
  outgoing: ServerResponse;
  status: number;
  headers: OutgoingHttpHeaders;
  /** Splits the stream into events; default server-sent events. */
  framer?: StreamFramer | undefined;
  onEvent: (event: SseEvent) => boolean;
  onEnd: (reason: RelayEnd) => void;
  /** Called once, after the first event was written to the caller. */
  onFirstWrite?: (() => void) | undefined;
  /**
   * Called after each read's events went through `onEvent` and were written (or not, once the
   * caller left), before `onEnd`: work that need not delay the caller's bytes goes here.
   */
  afterEvents?: (() => void) | undefined;
}): void {
  let ended = false;
  let callerGone = false;
  const end = (reason: RelayEnd) => {
    if (ended) return;
    ended = true;
    outgoing.off('close', onCallerGone);
    onEnd(reason);
  };
  const write = (events: SseEvent[]) => {
    let flowing = true;
    for (const event of events)
      if (onEvent(event) && !callerGone) {
        flowing = outgoing.write(event.bytes);
        if (onFirstWrite) {
          onFirstWrite();
          onFirstWrite = undefined;
        }
      }
    if (!flowing && !callerGone && !upstream.isPaused()) {
      upstream.pause();
      outgoing.once('drain', () => upstream.resume());
    }
    afterEvents?.();
  };
  const onCallerGone = () => {
    callerGone = true;
    // Paused for a caller that will never drain: read on, nothing is written any more.
    upstream.resume();
  };

  if (outgoing.destroyed) {
    // The caller left before the stream began (its 'close' has been and gone).
    callerGone = true;
  } else {
    outgoing.writeHead(status, headers);
    // The caller sees the status and headers at once, as upstream sent them, before any event.
    outgoing.flushHeaders();
    outgoing.once('close', onCallerGone);
  }
  upstream.on('data', (chunk: Uint8Array) => write(framer.push(chunk)));
  upstream.once('end', () => {
    write(framer.flush());
    end('completed');
    // The end goes out two turns after the last events, never in the same read: a caller that
    // aborts while it reads them must still find the response unfinished, as Node 20 and 22's
    // fetch (undici 6) never settles a read after an abort that comes once the whole response
    // has arrived. Upstream's last events and its end often come in one read.
    if (!callerGone) setImmediate(() => setImmediate(() => outgoing.end()));
  });
  upstream.once('error', (error) => {
    if (ended) return;
    end('error');
    if (!callerGone) outgoing.destroy(error);
  });
}
