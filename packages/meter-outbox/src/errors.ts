import { formatCount } from './format-count.js';

/**
 * Thrown by `enqueue`/`openStream` (and a stream handle's `update`/`complete`) when meter-core's
 * `parseCloudEvent` refuses the event (its `CloudEventError` is the `cause`), or when it is not
 * JSON-serializable. Raised before journaling, so a bad event never reaches disk or blocks the
 * queue.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#required-attributes
 */
export class InvalidUsageEventError extends Error {
  override name = 'InvalidUsageEventError' as const;
  constructor(
    readonly field: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
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
      `Usage outbox is full: ${formatCount({ count: pending, noun: 'event' })} pending (maxPending ${maxPending}). OpenMeter is probably unreachable or slow; the event was NOT recorded. Retry after \`await outbox.flush()\`, raise maxPending, or fail the request.`,
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

/**
 * What kind of storage failure stopped a journal write: `disk-full` (ENOSPC, EDQUOT, or less
 * free space than the outbox keeps in reserve), `read-only` (EROFS), `permission` (EACCES,
 * EPERM), `io` (anything else the system reported, e.g. EIO).
 * @see https://man7.org/linux/man-pages/man3/errno.3.html
 */
export type OutboxWriteErrorCode = 'disk-full' | 'read-only' | 'permission' | 'io';

/**
 * Thrown by `enqueue`/`openStream`/stream handles (and by `createUsageOutbox`) when the journal
 * cannot be written: nothing of the event was recorded (a partial record is cut back first).
 * `code` says what happened, `directory` where, `cause` holds the system error.
 * @see https://man7.org/linux/man-pages/man3/errno.3.html
 */
export class OutboxWriteError extends Error {
  override name = 'OutboxWriteError' as const;
  constructor(
    readonly code: OutboxWriteErrorCode,
    readonly directory: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Thrown by `enqueue`/`openStream` once this outbox no longer owns its directory's lock (another
 * process took it over, e.g. after this one was paused past the cross-host staleness limit):
 * writing on would put events into files the new owner may delete. Close this outbox.
 */
export class OutboxLockLostError extends Error {
  override name = 'OutboxLockLostError' as const;
  constructor(
    readonly lockPath: string,
    message: string,
  ) {
    super(message);
  }
}
