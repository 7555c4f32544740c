import type { JournalFileSystem } from './journal-file-system.js';
import type { OutboxSubscribe, WarningNotice } from './outbox-emitter.js';
import type { OutboxEvent, OutboxEventInput, OutboxIngestClient } from './outbox-event.js';
import type { JournalDurability, RecordLocation } from './segment-journal.js';

/**
 * Where log lines go; `false` in the options silences them (notices still fire).
 * @see https://openmeter.io/docs/metering/events/usage-events
 */
export interface OutboxLogger {
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

/**
 * Options of {@link createUsageOutbox}.
 * @see https://openmeter.io/docs/metering/events/usage-events
 */
export interface UsageOutboxOptions {
  /** Batch ingest, e.g. `createOpenMeterClient(...)`; the outbox sends each request once (`{ retry: false }`) and retries itself. */
  client: OutboxIngestClient;
  /** Journal directory (one per process). Undefined: memory mode, events lost on crash. */
  dir?: string | undefined;
  /** Default `group`. See the README: `fsync-each` | `group` | `os` | `memory`. */
  durability?: JournalDurability | 'memory';
  /** Group commit period (`durability: 'group'`). Default 50 ms. */
  fsyncIntervalMs?: number;
  /** Events per ingest request. Default 500. */
  batchSize?: number;
  /** Longest wait before a partial batch is sent. Default 1000 ms. */
  flushIntervalMs?: number;
  /** Unsettled events (plus open streams) before `enqueue` throws `OutboxFullError`. Default 100,000. */
  maxPending?: number;
  /** Ingest requests in flight at once. Default 2. */
  concurrency?: number;
  /** Backoff with full jitter; `Retry-After` (up to `maxRetryAfterMs`) wins. */
  retry?: { initialDelayMs?: number; maxDelayMs?: number; maxRetryAfterMs?: number };
  /** Segment file size before rotation. Default 8 MiB. */
  segmentBytes?: number;
  /**
   * Free space kept in reserve: below it, checked when a segment is created (and again once a
   * second while refusing), `enqueue` throws `OutboxWriteError` `disk-full` instead of risking a
   * torn write; acks still go. Default 2 x `segmentBytes`.
   */
  reserveBytes?: number;
  /** Undelivered events kept in memory, in bytes; beyond it they are read back from the journal. Default 64 MiB. */
  memoryBytes?: number;
  /**
   * Drain on a normal process exit (`beforeExit`: the script returned without `close()`), for at
   * most this long, printing progress past a second; then the rest stays journaled. `false`
   * turns it off. Default 10,000 ms.
   */
  drainOnExitMs?: number | false;
  /** Test seam over the journal's file-system calls (fault injection). */
  fileSystem?: JournalFileSystem;
  /** Default: `console`. */
  logger?: OutboxLogger | false;
  /**
   * The clock: enqueue times (and the `time` of events enqueued without one), ages in `stats()`,
   * dead-letter times, the lock's heartbeat and the journal's refusal pauses. Default
   * `() => new Date()`. Deadlines of `flush`/`close` run on a monotonic timer instead.
   */
  now?: () => Date;
  /** Jitter of retry delays, in [0, 1). Default `Math.random`. */
  random?: () => number;
}

/**
 * Counters since this outbox opened (`pending` and `oldestPendingAgeMs` include recovered events).
 * @see https://openmeter.io/docs/metering/events/usage-events
 */
export interface OutboxStats {
  /** Records found unreadable in the journal on open (bit rot, torn tails), at most. */
  lostRecords: number;
  /** Where: byte ranges per file (see the startup warnings for the reasons). */
  damagedRanges: Array<{ file: string; start: number; end: number; lostRecords: number }>;
  /** Damaged segments moved to `dir/quarantine/` once everything readable in them was settled. */
  quarantinedFiles: string[];
  enqueued: number;
  recovered: number;
  delivered: number;
  retried: number;
  deadLettered: number;
  pending: number;
  openStreams: number;
  oldestPendingAgeMs: number;
}

/**
 * Progress while `flush`/`close` wait for a backlog to drain.
 * @see https://openmeter.io/docs/metering/events/usage-events
 */
export interface DrainProgress {
  pending: number;
  delivered: number;
  elapsedMs: number;
  eventsPerSecond: number;
}

/**
 * Options of `flush` and `close`.
 * @see https://openmeter.io/docs/metering/events/usage-events
 */
export interface DrainOptions {
  /** Give up waiting after this long (what is left stays journaled). `flush` default: no limit; `close` default 5000. */
  deadlineMs?: number;
  /** Called about once a second while waiting; see `createProgressPrinter`. */
  onProgress?: (progress: DrainProgress) => void;
}

/**
 * What `flush`/`close` achieved.
 * @see https://openmeter.io/docs/metering/events/usage-events
 */
export interface DrainResult {
  /** Everything due was delivered (or dead-lettered). */
  drained: boolean;
  /** Events still owed (journaled, sent on next start unless in memory mode). */
  pending: number;
  openStreams: number;
}

/**
 * An in-flight stream's journaled crash event; see `UsageOutbox.openStream`. The outbox never
 * looks inside an event: what the caller journals is exactly what is delivered.
 * @see https://openmeter.io/docs/metering/events/usage-events
 */
export interface UsageStreamHandle {
  /** The id of the stream's current crash event. */
  readonly id: string;
  /**
   * Replaces the crash event: what to deliver, as is, if the process dies before `complete` or
   * `abandon` (e.g. the estimate so far, marked as a crash estimate by the caller). Same
   * `source` required; a new `id` re-keys the stream in this one record (e.g. to upstream's
   * request id).
   */
  update(crashEvent: OutboxEventInput): void;
  /**
   * Replaces the crash event by the final event (same `source`; its `id` may differ, e.g. the
   * response id) and enqueues it, in one record: a crash leaves the one or the other, never both.
   */
  complete(finalEvent: OutboxEventInput): void;
  /** Drops the crash event: nothing is metered for this stream. */
  abandon(): void;
}

/**
 * The outbox; see {@link createUsageOutbox}.
 * @see https://openmeter.io/docs/metering/events/usage-events
 */
export interface UsageOutbox {
  /**
   * Checks the event (meter-core's `parseCloudEvent`, as the client and openmeter-local do;
   * `time` may be a `Date`), journals it and returns; delivery happens in the background.
   */
  enqueue(event: OutboxEventInput): void;
  /**
   * Journals `crashEvent`, the event to deliver (unchanged) if this process dies before the
   * stream's `complete` or `abandon`; the handle replaces it with `update`.
   */
  openStream(crashEvent: OutboxEventInput): UsageStreamHandle;
  /** Makes the journal durable and waits until everything enqueued so far is settled. */
  flush(options?: DrainOptions): Promise<DrainResult>;
  /** Stops accepting events, drains until the deadline, keeps the rest journaled. Idempotent. */
  close(options?: DrainOptions): Promise<DrainResult>;
  stats(): OutboxStats;
  on: OutboxSubscribe;
  /**
   * What opening found worth a warning (torn or damaged records, crash events of open streams,
   * a stale lock), recorded before `createUsageOutbox` resolved and already logged; the
   * `warning` notice covers what happens later.
   */
  readonly startupWarnings: readonly WarningNotice[];
  /** The dead-letter JSONL file, undefined in memory mode. */
  readonly deadLetterFile: string | undefined;
}

/**
 * An event owed to OpenMeter (internal): its journal sequence, enqueue time and segment.
 */
export interface OutboxEntry {
  sequence: number;
  enqueuedAt: number;
  id: string;
  /** The event while held in memory (memory mode, or within `memoryBytes`); else read back. */
  event: OutboxEvent | undefined;
  /** Where its live record lies; undefined in memory mode. */
  location: RecordLocation | undefined;
}
