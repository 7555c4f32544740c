import { setTimeout as delay } from 'node:timers/promises';

/**
 * Default grace, in milliseconds. An answer upstream has finished is already on its way: what
 * the reader (the proxy, a client wrapper) has not read yet is its own backlog (milliseconds) or on the wire (a one-way trip,
 * tens of milliseconds), so 200 ms covers it on routes up to about 150 ms one way. Upstream still
 * generating keeps going while it sends (up to {@link maxAbortGraces} graces, 1 s), which
 * upstream bills and the reader meters as it reads: up to 1 s of output (50–200 tokens at
 * 50–200 tokens/s) per stream whose caller left early, billed to the customer who left (see the
 * proxy README's "Caller leaves" figures).
 */
export const defaultAbortGraceMs = 200;

/**
 * How many graces in a row upstream is read on while it keeps sending after its caller left (1 s
 * with the default grace): an answer still streaming when the first grace ends is read to its
 * end, and billed with upstream's own usage, whatever the machine's load did to the timers, as
 * long as it ends within this bound; upstream still going after it is aborted.
 */
export const maxAbortGraces = 5;

/** Waits `ms` milliseconds, or rejects when `signal` aborts first (injected by tests). */
export type AbortGraceSleep = (input: { ms: number; signal: AbortSignal }) => Promise<void>;

/** The upstream request's abort signal, and the watch on the caller that aborts it. */
export interface AbortGrace {
  /** Aborts the upstream request: `graceMs` after the caller left (at once with 0). */
  readonly signal: AbortSignal;
  /** Stops the watch: the caller leaving no longer aborts upstream (idempotent). */
  release(): void;
  /**
   * Upstream sent something (call it on every read): a grace in which upstream sent something
   * is followed by another, up to {@link maxAbortGraces}.
   */
  progress(): void;
}

/**
 * Watches the caller of one upstream request: when it leaves, upstream is aborted only once a
 * whole grace of `graceMs` has passed without anything from upstream (reported by `progress`),
 * or {@link maxAbortGraces} graces have, each time after what has reached the socket by then has
 * been read; so what upstream has already sent, or sends meanwhile (the rest of an answer, its
 * usage chunk), is still read and metered exactly, however late a loaded machine runs the timers.
 * Upstream that is silent for a grace, or still going after the last, is aborted, and what it
 * sent is billed as an estimate.
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
  let progressed = false;
  let graces = 0;
  // Rejected when released first: nothing to abort then. The timer fires before the event loop
  // reads its sockets: on a busy process the rest of an answer upstream has finished (and
  // billed) can be waiting unread in the socket then. Decide only after that read (the check
  // phase comes after the poll phase), so it is metered rather than cut off.
  const waitOneGrace = () =>
    sleep({ ms: graceMs, signal: released.signal }).then(
      () => setImmediate(afterGrace),
      () => undefined,
    );
  const afterGrace = () => {
    if (released.signal.aborted) return;
    graces += 1;
    if (!progressed || graces >= maxAbortGraces) return abort();
    progressed = false;
    void waitOneGrace();
  };
  const onCallerGone = () => {
    if (graceMs <= 0) return abort();
    progressed = false;
    void waitOneGrace();
  };
  callerSignal.addEventListener('abort', onCallerGone, { once: true });
  return {
    signal: upstream.signal,
    release() {
      callerSignal.removeEventListener('abort', onCallerGone);
      released.abort();
    },
    progress() {
      progressed = true;
    },
  };
}
