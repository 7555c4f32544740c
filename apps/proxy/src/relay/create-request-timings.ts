/**
 * Milliseconds from a metered request's arrival in the proxy's handler to each step of its way
 * to the caller's first byte (`performance.now()` differences). A step not reached is absent.
 */
export interface RequestTimings {
  endpoint: string;
  streaming: boolean;
  /** The body was read and parsed, the subject resolved: metering may start. */
  parsed?: number | undefined;
  /** The request was handed to undici for upstream. */
  sent?: number | undefined;
  /** Upstream's status and headers arrived. */
  headers?: number | undefined;
  /** The status and headers were written to the caller (streams). */
  headersWritten?: number | undefined;
  /** Upstream's first body bytes arrived (streams). */
  firstChunk?: number | undefined;
  /** The first event was written to the caller's socket (streams); the answer, for blocking calls. */
  firstByte?: number | undefined;
  /** Time spent in metering calls (journal, estimates) before the request was handed to undici. */
  meteringBeforeSend: number;
  /**
   * Time spent in metering calls after the request was handed to undici and before `firstByte`:
   * while upstream works, it delays the first byte only when it outlasts upstream.
   */
  meteringBeforeFirstByte: number;
}

/** The steps `mark` records. */
export type TimedStep = Exclude<
  keyof RequestTimings,
  'endpoint' | 'streaming' | 'meteringBeforeSend' | 'meteringBeforeFirstByte'
>;

/** Receives each metered request's timings (the bench's breakdown; off unless wired). */
export type RequestTimingsObserver = (timings: RequestTimings) => void;

/**
 * Records one request's timings: `mark(step)` stores the time since `start`, `metering(fn)` runs a
 * metering call and counts its time until the first byte; `done()` hands them to the observer once.
 * Without an observer every call is a no-op.
 */
export function createRequestTimings({
  observer,
  endpoint,
}: {
  observer: RequestTimingsObserver | undefined;
  endpoint: string;
}): {
  mark(step: TimedStep): void;
  /** Says whether the request streams (known once its body is parsed). */
  describe(input: { streaming: boolean }): void;
  metering<T>(run: () => T): T;
  done(): void;
} {
  if (!observer)
    return { mark: () => {}, describe: () => {}, metering: (run) => run(), done: () => {} };
  const start = performance.now();
  const timings: RequestTimings = {
    endpoint,
    streaming: false,
    meteringBeforeSend: 0,
    meteringBeforeFirstByte: 0,
  };
  let reported = false;
  return {
    describe({ streaming }) {
      timings.streaming = streaming;
    },
    mark(step) {
      if (timings[step] === undefined) timings[step] = performance.now() - start;
    },
    metering(run) {
      if (timings.firstByte !== undefined) return run();
      const before = performance.now();
      try {
        return run();
      } finally {
        const spent = performance.now() - before;
        if (timings.sent === undefined) timings.meteringBeforeSend += spent;
        else timings.meteringBeforeFirstByte += spent;
      }
    },
    done() {
      if (reported) return;
      reported = true;
      observer(timings);
    },
  };
}
