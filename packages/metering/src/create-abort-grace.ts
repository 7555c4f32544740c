import { setTimeout as delay } from 'node:timers/promises';

/**
 * Default grace, in milliseconds. An answer upstream has finished is already on its way: what
 * the reader (the proxy, a client wrapper) has not read yet is its own backlog (milliseconds) or on the wire (a one-way trip,
 * tens of milliseconds), so 200 ms covers it on routes up to about 150 ms one way. Upstream still
 * generating keeps going for the grace too, which upstream bills and the reader meters as it
 * reads: up to 0.2 s of output (10–40 tokens at 50–200 tokens/s) per stream whose caller left
 * early, billed to the customer who left (see the proxy README's "Caller leaves" figures).
 */
export const defaultAbortGraceMs = 200;

/** Waits `ms` milliseconds, or rejects when `signal` aborts first (injected by tests). */
export type AbortGraceSleep = (input: { ms: number; signal: AbortSignal }) => Promise<void>;

/** The upstream request's abort signal, and the watch on the caller that aborts it. */
export interface AbortGrace {
  /** Aborts the upstream request: `graceMs` after the caller left (at once with 0). */
  readonly signal: AbortSignal;
  /** Stops the watch: the caller leaving no longer aborts upstream (idempotent). */
  release(): void;
}

/**
 * Watches the caller of one upstream request: when it leaves, upstream is aborted only once
 * `graceMs` has passed and what has reached the socket by then has been read, so that what
 * upstream has already sent, or sends meanwhile (the rest of an answer it has finished, its
 * usage chunk), is still read and metered exactly. Upstream that
 * is still going when the grace ends is aborted, and what it sent is billed as an estimate.
 */
export function createAbortGrace({
  callerSignal,
  graceMs,
  sleep = ({ ms, signal }) => delay(ms, undefined, { signal }),
}: {
  /** Fires when the caller closes the connection. */
  callerSignal: AbortSignal;
  graceMs: number;
  sleep?: AbortGraceSleep | undefined;
}): AbortGrace {
  const upstream = new AbortController();
  const released = new AbortController();
  const abort = () => {
    if (!released.signal.aborted)
      upstream.abort(new Error('the client closed the connection (after the grace)'));
  };
  const onCallerGone = () => {
    if (graceMs <= 0) abort();
    // Rejected when released first: nothing to abort then. The timer fires before the event
    // loop reads its sockets: on a busy process the rest of an answer upstream has finished (and
    // billed) can be waiting unread in the socket then. Abort only after that read (the check
    // phase comes after the poll phase), so it is metered rather than cut off.
    else
      sleep({ ms: graceMs, signal: released.signal }).then(
        () => setImmediate(abort),
        () => undefined,
      );
  };
  callerSignal.addEventListener('abort', onCallerGone, { once: true });
  return {
    signal: upstream.signal,
    release() {
      callerSignal.removeEventListener('abort', onCallerGone);
      released.abort();
    },
  };
}
