import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DirectoryLock } from './acquire-directory-lock.js';
import type { IngestFailure } from './classify-ingest-error.js';
import { computeBackoffDelay } from './compute-backoff-delay.js';
import { createBatchDeliverer } from './create-batch-deliverer.js';
import { createBatchScheduler } from './create-batch-scheduler.js';
import { createUsageStreamHandle } from './create-usage-stream-handle.js';
import { InvalidUsageEventError, OutboxClosedError, OutboxFullError } from './errors.js';
import type { JournalRecord } from './journal-record.js';
import { openJournalDirectory } from './open-journal-directory.js';
import { createOutboxEmitter, type WarningNotice } from './outbox-emitter.js';
import type { OutboxEvent } from './outbox-event.js';
import { parseOutboxEvent } from './parse-outbox-event.js';
import type { SegmentJournal } from './segment-journal.js';
import type {
  DrainOptions,
  DrainResult,
  OutboxEntry,
  OutboxLogger,
  UsageOutbox,
  UsageOutboxOptions,
} from './usage-outbox-types.js';
import { waitFor } from './wait-for.js';

const defaultLogger: OutboxLogger = {
  warn: (message, details) => console.warn(`[meter-outbox] ${message}`, details ?? ''),
  error: (message, details) => console.error(`[meter-outbox] ${message}`, details ?? ''),
};

/**
 * Opens a durable usage outbox: recovers what a previous process left in `dir` (events not
 * acknowledged, and the crash events of streams never closed), then delivers in the
 * background with batching and unbounded retries. Async because recovery rewrites the journal.
 * @see https://openmeter.io/docs/metering/events/usage-events
 */
export async function createUsageOutbox(options: UsageOutboxOptions): Promise<UsageOutbox> {
  const {
    client,
    dir,
    fsyncIntervalMs = 50,
    batchSize = 500,
    flushIntervalMs = 1000,
    maxPending = 100_000,
    concurrency = 2,
    segmentBytes = 8 * 1024 * 1024,
    now = Date.now,
    random = Math.random,
  } = options;
  for (const [name, value] of Object.entries({
    batchSize,
    concurrency,
    maxPending,
    segmentBytes,
  })) {
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`createUsageOutbox: ${name} must be a positive integer, got ${value}.`);
    }
  }
  const durability = dir === undefined ? 'memory' : (options.durability ?? 'group');
  const retry = {
    initialDelayMs: options.retry?.initialDelayMs ?? 200,
    maxDelayMs: options.retry?.maxDelayMs ?? 30_000,
    maxRetryAfterMs: options.retry?.maxRetryAfterMs ?? 10 * 60_000,
  };
  const logger = options.logger === false ? undefined : (options.logger ?? defaultLogger);
  const emitter = createOutboxEmitter();
  const warn = (notice: WarningNotice) => {
    logger?.warn(notice.message, notice.details);
    emitter.emit('warning', notice);
  };

  const unsettled = new Map<number, OutboxEntry>();
  const streams = new Map<number, OutboxEntry>();
  const counters = { enqueued: 0, recovered: 0, delivered: 0, retried: 0, deadLettered: 0 };

  let lock: DirectoryLock | undefined;
  let journal: SegmentJournal | undefined;
  let nextSequence = 1;
  let startupWarnings: WarningNotice[] = [];
  const deadLetterFile =
    durability === 'memory' || dir === undefined ? undefined : path.join(dir, 'dead-letter.jsonl');
  if (durability !== 'memory' && dir !== undefined) {
    const opened = openJournalDirectory({
      directory: dir,
      durability,
      fsyncIntervalMs,
      segmentBytes,
    });
    ({ lock, journal, nextSequence } = opened);
    startupWarnings = opened.warnings;
    for (const entry of opened.recovered) unsettled.set(entry.sequence, entry);
    counters.recovered = opened.recovered.length;
    // Copy-forward: rewrites the live records of an old segment so the file can be deleted.
    opened.journal.setRelocator(({ segment, rewrite }) => {
      for (const entry of unsettled.values()) {
        if (entry.segment !== segment) continue;
        entry.segment = rewrite({
          k: 'event',
          s: entry.sequence,
          t: entry.enqueuedAt,
          e: entry.event,
        });
      }
      for (const entry of streams.values()) {
        if (entry.segment !== segment) continue;
        entry.segment = rewrite({
          k: 'stream-open',
          s: entry.sequence,
          t: entry.enqueuedAt,
          e: entry.event,
        });
      }
    });
  }

  let closing = false;
  let stopped = false;
  const stopController = new AbortController();
  let settleWaiters: Array<() => void> = [];
  const notifySettled = () => {
    const waiters = settleWaiters;
    settleWaiters = [];
    for (const waiter of waiters) waiter();
  };
  const nextSettlement = () => new Promise<void>((resolve) => settleWaiters.push(resolve));

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopController.signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        stopController.signal.removeEventListener('abort', done);
        resolve();
      }
      stopController.signal.addEventListener('abort', done);
    });

  const settle = (entries: OutboxEntry[]) => {
    if (stopped) return;
    journal?.append({ k: 'ack', s: entries.map((entry) => entry.sequence) });
    for (const entry of entries) {
      unsettled.delete(entry.sequence);
      journal?.release(entry.segment);
    }
    notifySettled();
  };

  const deadLetter = ({
    entry,
    failure,
    error,
  }: {
    entry: OutboxEntry;
    failure: IngestFailure;
    error: unknown;
  }) => {
    const message = error instanceof Error ? error.message : String(error);
    if (deadLetterFile !== undefined) {
      const line = {
        time: new Date(now()).toISOString(),
        status: failure.status,
        problem: failure.problem,
        message,
        event: entry.event,
      };
      fs.appendFileSync(deadLetterFile, `${JSON.stringify(line)}\n`);
    }
    counters.deadLettered += 1;
    settle([entry]);
    const where = deadLetterFile
      ? `moved it to ${deadLetterFile}`
      : 'dropped it (memory mode has no dead-letter file: keep it from the dead-letter notice)';
    logger?.warn(`OpenMeter refused event ${entry.event.id}; ${where}.`, {
      status: failure.status,
      message,
    });
    emitter.emit('dead-letter', {
      event: entry.event,
      status: failure.status,
      problem: failure.problem,
      message,
      file: deadLetterFile,
    });
  };

  const deliver = createBatchDeliverer({
    client,
    logger,
    retry,
    random,
    maxPending,
    sleep,
    isStopped: () => stopped,
    hooks: {
      onDelivered(entries) {
        counters.delivered += entries.length;
        settle(entries);
      },
      onRejected: deadLetter,
      onRetry(batchSize) {
        counters.retried += batchSize;
      },
      emit: emitter.emit,
    },
  });

  const scheduler = createBatchScheduler({
    batchSize,
    concurrency,
    flushIntervalMs,
    deliver,
    isOwed: (entry) => !stopped && unsettled.has(entry.sequence),
    onDeliverError({ error, requeued }) {
      const message = `Usage outbox could not settle a batch (${(error as Error).message}); ${requeued} events will be retried.`;
      logger?.error(message);
      emitter.emit('error', { error, message });
    },
    backoff: (attempt) => sleep(computeBackoffDelay({ attempt, ...retry, random })),
  });
  for (const entry of unsettled.values()) scheduler.push(entry);
  if (unsettled.size > 0) scheduler.drainNow();

  const assertAccepting = () => {
    if (closing) throw new OutboxClosedError();
  };
  const assertCapacity = () => {
    const pending = unsettled.size + streams.size;
    if (pending >= maxPending) throw new OutboxFullError(pending, maxPending);
  };
  // Stamped once here so every retry carries the same time (the client would re-stamp each try).
  const stampTime = (event: OutboxEvent, at: number): OutboxEvent =>
    event.time === undefined || event.time === null
      ? { ...event, time: new Date(at).toISOString() }
      : event;

  const append = (record: JournalRecord): number => {
    if (!journal) {
      // Memory mode: still refuse what could never be sent (BigInt, cycles) up front.
      if ('e' in record) JSON.stringify(record.e);
      return -1;
    }
    return journal.append(record);
  };
  const write = (record: JournalRecord): number => {
    try {
      const segment = append(record);
      if (journal) journal.retain(segment);
      return segment;
    } catch (error) {
      if (error instanceof TypeError) {
        throw new InvalidUsageEventError(
          'event',
          `Usage event is not JSON-serializable (${error.message}); it was NOT recorded. Use plain JSON values in \`data\`.`,
        );
      }
      throw new Error(
        `Usage outbox could not journal the event in ${dir} (${(error as Error).message}); it was NOT recorded. Check free disk space and permissions.`,
        { cause: error },
      );
    }
  };

  const addEntry = (entry: OutboxEntry) => {
    unsettled.set(entry.sequence, entry);
    scheduler.push(entry);
  };

  const drain = ({ isDone, deadlineMs, onProgress }: DrainOptions & { isDone: () => boolean }) => {
    const startedAt = now();
    const deliveredAtStart = counters.delivered;
    return waitFor({
      isDone,
      deadlineMs,
      nextChange: nextSettlement,
      onTick: onProgress
        ? () => {
            const elapsedMs = now() - startedAt;
            const delivered = counters.delivered - deliveredAtStart;
            const eventsPerSecond = elapsedMs > 0 ? Math.round((delivered * 1000) / elapsedMs) : 0;
            onProgress({ pending: unsettled.size, delivered, elapsedMs, eventsPerSecond });
          }
        : undefined,
    });
  };

  const result = (drained: boolean): DrainResult => ({
    drained,
    pending: unsettled.size,
    openStreams: streams.size,
  });
  let closePromise: Promise<DrainResult> | undefined;

  const outbox: UsageOutbox = {
    deadLetterFile,
    startupWarnings: Object.freeze([...startupWarnings]),
    on: emitter.on,
    enqueue(event) {
      assertAccepting();
      const parsed = parseOutboxEvent(event);
      assertCapacity();
      const enqueuedAt = now();
      const stamped = stampTime(parsed, enqueuedAt);
      const sequence = nextSequence;
      const segment = write({ k: 'event', s: sequence, t: enqueuedAt, e: stamped });
      nextSequence += 1;
      counters.enqueued += 1;
      addEntry({ sequence, enqueuedAt, event: stamped, segment });
    },
    openStream(crashEvent) {
      assertAccepting();
      const parsed = parseOutboxEvent(crashEvent);
      assertCapacity();
      const openedAt = now();
      const sequence = nextSequence;
      const event = stampTime(parsed, openedAt);
      const segment = write({ k: 'stream-open', s: sequence, t: openedAt, e: event });
      nextSequence += 1;
      const stream: OutboxEntry = { sequence, enqueuedAt: openedAt, event, segment };
      streams.set(sequence, stream);
      return createUsageStreamHandle({
        stream,
        host: {
          write,
          writeSettlement: (record) => void journal?.append(record),
          release: (releasedSegment) => journal?.release(releasedSegment),
          allocateSequence: () => nextSequence++,
          now,
          isStopped: () => stopped,
          stampTime,
          onClosed({ final }) {
            streams.delete(sequence);
            if (final) {
              counters.enqueued += 1;
              addEntry(final);
            }
            notifySettled();
          },
        },
      });
    },
    async flush({ deadlineMs, onProgress } = {}) {
      if (stopped) return result(unsettled.size === 0);
      const target = nextSequence - 1;
      await journal?.sync();
      scheduler.drainNow();
      const drained = await drain({
        isDone: () => {
          const first = unsettled.keys().next();
          return first.done === true || first.value > target;
        },
        deadlineMs,
        onProgress,
      });
      return result(drained);
    },
    close({ deadlineMs = 5000, onProgress } = {}) {
      closePromise ??= (async () => {
        closing = true;
        scheduler.drainNow();
        const drained = await drain({
          isDone: () => unsettled.size === 0 && streams.size === 0,
          deadlineMs,
          onProgress,
        });
        stopped = true;
        stopController.abort();
        scheduler.stop();
        await journal?.close();
        lock?.release();
        if (durability === 'memory' && (unsettled.size > 0 || streams.size > 0)) {
          warn({
            message: `Closed in memory mode with ${unsettled.size} undelivered events and ${streams.size} open streams: they are lost. Use a \`dir\` to keep them across restarts.`,
          });
        }
        return result(drained);
      })();
      return closePromise;
    },
    stats() {
      const oldest = unsettled.values().next();
      return {
        ...counters,
        pending: unsettled.size,
        openStreams: streams.size,
        oldestPendingAgeMs: oldest.done ? 0 : Math.max(0, now() - oldest.value.enqueuedAt),
      };
    },
  };

  // Logged now, before `createUsageOutbox` returns, and kept on `outbox.startupWarnings`: no
  // listener can miss them, whenever it subscribes.
  for (const notice of startupWarnings) logger?.warn(notice.message, notice.details);
  return outbox;
}
