/**
 * Thrown by `enqueue`/`openStream` when an event lacks a required CloudEvents attribute. Raised
 * before journaling, so a bad event never reaches disk or blocks the queue.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#required-attributes
 */
export class InvalidUsageEventError extends Error {
  override name = 'InvalidUsageEventError' as const;
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Thrown by `enqueue`/`openStream` when `maxPending` events are already waiting: backpressure.
 * Nothing was journaled; the caller decides whether to wait (`await outbox.flush()`), shed load
 * or fail the request.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md
 */
export class OutboxFullError extends Error {
  override name = 'OutboxFullError' as const;
  constructor(
    readonly pending: number,
    readonly maxPending: number,
  ) {
    super(
      `Usage outbox is full: ${pending} events pending (maxPending ${maxPending}). OpenMeter is probably unreachable or slow; the event was NOT recorded. Retry after \`await outbox.flush()\`, raise maxPending, or fail the request.`,
    );
  }
}

/**
 * Thrown by `enqueue`/`openStream`/stream handles after `close()` started.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md
 */
export class OutboxClosedError extends Error {
  override name = 'OutboxClosedError' as const;
  constructor(
    message = 'Usage outbox is closed: the event was NOT recorded. Open a new outbox (on the same dir) to keep metering.',
  ) {
    super(message);
  }
}

/**
 * Thrown when opening an outbox whose directory is locked by another live process (or another
 * outbox in this process): two writers would corrupt the journal and double-send events.
 * @see https://man7.org/linux/man-pages/man2/open.2.html
 */
export class OutboxLockedError extends Error {
  override name = 'OutboxLockedError' as const;
  constructor(
    readonly lockPath: string,
    readonly ownerPid: number,
    options?: { cause?: unknown; otherHost?: string | undefined; staleAfterMs?: number },
  ) {
    const owner = options?.otherHost
      ? `process ${ownerPid} on host ${options.otherHost}`
      : `process ${ownerPid}`;
    const stale = options?.staleAfterMs
      ? ` A lock its owner stops touching is taken over after ${Math.round(options.staleAfterMs / 1000)} s, so retrying then succeeds if that owner is gone.`
      : '';
    super(
      `Usage outbox directory is locked by ${owner} (${lockPath}). Give each process its own dir, or stop that process.${stale}`,
      { cause: options?.cause },
    );
  }
}
