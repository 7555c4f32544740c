import * as path from 'node:path';
import { computeBackoffDelay } from '@llm-meter/openmeter-client';
import type { DirectoryLock } from './acquire-directory-lock.js';
import { createBatchDeliverer } from './create-batch-deliverer.js';
import { createBatchScheduler } from './create-batch-scheduler.js';
import { createDeadLetterer } from './create-dead-letterer.js';
import { createOutboxCompactor } from './create-outbox-compactor.js';
import { createOutboxDrain } from './create-outbox-drain.js';
import { createOutboxIndex } from './create-outbox-index.js';
import { createOutboxWriter } from './create-outbox-writer.js';
import { createProgressPrinter } from './create-progress-printer.js';
import { createReadBackDeliverer } from './create-read-back-deliverer.js';
import { createUsageStreamHandle } from './create-usage-stream-handle.js';
import { describeUndelivered } from './describe-undelivered.js';
import { OutboxClosedError, OutboxFullError } from './errors.js';
import { formatCount } from './format-count.js';
import { openJournalDirectory } from './open-journal-directory.js';
import { createOutboxEmitter, type WarningNotice } from './outbox-emitter.js';
import type { OutboxEvent } from './outbox-event.js';
import { parseOutboxEvent } from './parse-outbox-event.js';
import { readJournaledEvent } from './read-journaled-event.js';
import { resolveOutboxOptions } from './resolve-outbox-options.js';
import type { JournalDamage, SegmentJournal } from './segment-journal.js';
import { stampEventTime } from './stamp-event-time.js';
import type {
  DrainOptions,
  DrainResult,
  OutboxEntry,
  UsageOutbox,
  UsageOutboxOptions,
} from './usage-outbox-types.js';

/**
 * Opens a durable usage outbox: recovers in place what a previous process left in `dir` (events
 * not acknowledged, and the crash events of streams never closed), then delivers in the
 * background with batching and unbounded retries, compacting old segments in bounded slices.
 * @see https://openmeter.io/docs/metering/events/usage-events
 */
export async function createUsageOutbox(options: UsageOutboxOptions): Promise<UsageOutbox> {
  const settings = resolveOutboxOptions(options);
  const { dir, durability, maxPending, drainOnExitMs, now: clock, logger, retry } = settings;
  // Enqueue times, ages and journal pauses are kept in milliseconds since the epoch.
  const now = () => clock().getTime();
  const emitter = createOutboxEmitter();
  const warn = (notice: WarningNotice) => {
    logger?.warn(notice.message, notice.details);
    emitter.emit('warning', notice);
  };

  const unsettled = new Map<number, OutboxEntry>();
  const streams = new Map<number, OutboxEntry & { event: OutboxEvent }>();
  const counters = { enqueued: 0, recovered: 0, delivered: 0, retried: 0, deadLettered: 0 };
  // Entries whose event counts toward `memoryBytes`.
  let heldBytes = 0;
  const held = new WeakSet<OutboxEntry>();

  let lock: DirectoryLock | undefined;
  let journal: SegmentJournal | undefined;
  let nextSequence = 1;
  let startupWarnings: WarningNotice[] = [];
  let damage: JournalDamage[] = [];
  let recovered: OutboxEntry[] = [];
  let crashedStreams: ReadonlySet<number> = new Set();
  if (dir !== undefined && durability !== 'memory') {
    const opened = openJournalDirectory({
      directory: dir,
      durability,
      fsyncIntervalMs: settings.fsyncIntervalMs,
      segmentBytes: settings.segmentBytes,
      reserveBytes: settings.reserveBytes,
      fileSystem: settings.fileSystem,
      now: clock,
      onLockRecreated: ({ path: lockPath }) =>
        warn({
          message: `The outbox lock ${lockPath} was deleted while this process held it; re-created it. Do not delete the lock of a running outbox.`,
          details: { lockPath },
        }),
    });
    ({ lock, journal, nextSequence, damage } = opened);
    startupWarnings = opened.warnings;
    recovered = opened.recovered.map((replayed) => ({ ...replayed, event: undefined }));
    crashedStreams = opened.crashedStreams;
  }
  // A crash event may be a call's pending record (the request as it was sent, not yet counted):
  // it is counted into the prompt's `crashed` estimate as it is read back. The tokenizer is
  // loaded only when a previous process left a stream open.
  const revive =
    crashedStreams.size === 0
      ? undefined
      : (await import('@llm-meter/meter-core/push')).revivePendingCall;
  const deadLetterFile = dir === undefined ? undefined : path.join(dir, 'dead-letter.jsonl');

  let closing = false;
  let stopped = false;
  const isStopped = () => stopped;
  const stopController = new AbortController();
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

  const index = createOutboxIndex({ journal });
  const compactor = createOutboxCompactor({ journal, lock, index, isStopped });
  const writer = createOutboxWriter({
    journal,
    lock,
    now,
    warn,
    onNewSegment: compactor.schedule,
  });
  const { notifySettled, drain } = createOutboxDrain({
    now,
    delivered: () => counters.delivered,
    pending: () => unsettled.size,
  });
  for (const entry of recovered) {
    unsettled.set(entry.sequence, entry);
    // Already retained by the journal on open: index without counting twice.
    index.add(entry);
  }
  counters.recovered = recovered.length;

  const forget = (entry: OutboxEntry) => {
    unsettled.delete(entry.sequence);
    if (held.delete(entry) && entry.location) heldBytes -= entry.location.length;
    index.untrack(entry);
  };
  const settle = (entries: OutboxEntry[]) => {
    if (stopped) return;
    writer.writeSettlement({ k: 'ack', s: entries.map((entry) => entry.sequence) });
    for (const entry of entries) forget(entry);
    notifySettled();
    compactor.schedule();
  };
  const readEvent = (entry: OutboxEntry): OutboxEvent => {
    const event = readJournaledEvent({ journal, entry });
    return revive && crashedStreams.has(entry.sequence) ? (revive(event) as OutboxEvent) : event;
  };

  const deliver = createReadBackDeliverer({
    deliver: createBatchDeliverer({
      client: settings.client,
      logger,
      retry,
      random: settings.random,
      maxPending,
      sleep,
      isStopped,
      hooks: {
        onDelivered(entries) {
          counters.delivered += entries.length;
          settle(entries);
        },
        onRejected: createDeadLetterer({
          file: deadLetterFile,
          fileSystem: settings.fileSystem,
          now: clock,
          logger,
          emit: emitter.emit,
          readEvent,
          settle(entry) {
            counters.deadLettered += 1;
            settle([entry]);
          },
        }),
        onRetry(size) {
          counters.retried += size;
        },
        emit: emitter.emit,
      },
    }),
    readEvent,
    warn,
    lose(entry) {
      forget(entry);
      notifySettled();
    },
  });

  const scheduler = createBatchScheduler({
    batchSize: settings.batchSize,
    concurrency: settings.concurrency,
    flushIntervalMs: settings.flushIntervalMs,
    deliver,
    isOwed: (entry) => !stopped && unsettled.has(entry.sequence),
    onDeliverError({ error, requeued }) {
      const message = `Usage outbox could not settle a batch (${(error as Error).message}); ${formatCount({ count: requeued, noun: 'event' })} will be retried.`;
      logger?.error(message);
      emitter.emit('error', { error, message });
    },
    backoff: (attempt) =>
      sleep(computeBackoffDelay({ attempt: attempt + 1, ...retry, random: settings.random })),
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
  const stampTime = (event: OutboxEvent, at: number) => stampEventTime({ event, at });

  const addEntry = (entry: OutboxEntry) => {
    if (entry.event && entry.location) {
      if (heldBytes + entry.location.length <= settings.memoryBytes) {
        heldBytes += entry.location.length;
        held.add(entry);
      } else entry.event = undefined;
    }
    unsettled.set(entry.sequence, entry);
    scheduler.push(entry);
  };

  const result = (drained: boolean): DrainResult => ({
    drained,
    pending: unsettled.size,
    openStreams: streams.size,
  });
  let closePromise: Promise<DrainResult> | undefined;

  // A script that returns without `close()` would leave its events journaled (and unsent until
  // some later run): drain them when the process is about to exit normally.
  const onBeforeExit = () => {
    if (closePromise || drainOnExitMs === false) return;
    // A referenced timer keeps the process alive through retry pauses, up to the bound.
    const keepAlive = setTimeout(() => {}, drainOnExitMs + 1000);
    void closeOutbox({
      deadlineMs: drainOnExitMs,
      onProgress: createProgressPrinter(),
      onExit: true,
    }).then(() => clearTimeout(keepAlive));
  };
  const closeOutbox = ({
    deadlineMs = 5000,
    onProgress,
    onExit,
  }: DrainOptions & { onExit: boolean }): Promise<DrainResult> => {
    closePromise ??= (async () => {
      closing = true;
      process.off('beforeExit', onBeforeExit);
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
      // What could not be delivered, said once through the logger (and the `warning` notice).
      const undelivered = describeUndelivered({
        pending: unsettled.size,
        openStreams: streams.size,
        onExit,
        drainOnExitMs,
        dir,
      });
      if (undelivered) warn(undelivered);
      return result(drained);
    })();
    return closePromise;
  };
  if (drainOnExitMs !== false) process.on('beforeExit', onBeforeExit);

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
      const location = writer.write({ k: 'event', s: sequence, t: enqueuedAt, e: stamped });
      nextSequence += 1;
      counters.enqueued += 1;
      const entry: OutboxEntry = { sequence, enqueuedAt, id: stamped.id, event: stamped, location };
      index.track(entry);
      addEntry(entry);
    },
    openStream(crashEvent) {
      assertAccepting();
      const parsed = parseOutboxEvent(crashEvent);
      assertCapacity();
      const openedAt = now();
      const sequence = nextSequence;
      const event = stampTime(parsed, openedAt);
      const location = writer.write({ k: 'stream-open', s: sequence, t: openedAt, e: event });
      nextSequence += 1;
      const stream = { sequence, enqueuedAt: openedAt, id: event.id, event, location };
      index.track(stream);
      streams.set(sequence, stream);
      return createUsageStreamHandle({
        stream,
        host: {
          write: writer.write,
          writeSettlement: writer.writeSettlement,
          moved({ stream: moved, previous }) {
            index.track(moved);
            index.untrack(moved, previous);
          },
          allocateSequence: () => nextSequence++,
          now,
          isStopped,
          stampTime,
          onClosed({ stream: closed, final }) {
            streams.delete(sequence);
            if (final) {
              counters.enqueued += 1;
              index.track(final);
              addEntry(final);
            }
            index.untrack(closed);
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
    close({ deadlineMs, onProgress } = {}) {
      return closeOutbox({ deadlineMs, onProgress, onExit: false });
    },
    stats() {
      const oldest = unsettled.values().next();
      return {
        ...counters,
        pending: unsettled.size,
        openStreams: streams.size,
        oldestPendingAgeMs: oldest.done ? 0 : Math.max(0, now() - oldest.value.enqueuedAt),
        lostRecords: damage.reduce((total, range) => total + range.lostRecords, 0),
        damagedRanges: damage.map(({ file, start, end, lostRecords }) => ({
          file,
          start,
          end,
          lostRecords,
        })),
        quarantinedFiles: journal?.quarantined() ?? [],
      };
    },
  };

  // Logged now, before `createUsageOutbox` returns, and kept on `outbox.startupWarnings`: no
  // listener can miss them, whenever it subscribes.
  for (const notice of startupWarnings) logger?.warn(notice.message, notice.details);
  return outbox;
}
