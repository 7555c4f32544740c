import * as path from 'node:path';
import { computeBackoffDelay } from '@llm-meter/openmeter-client';
import type { DirectoryLock } from './acquire-directory-lock.js';
import type { IngestFailure } from './classify-ingest-error.js';
import { createBatchDeliverer } from './create-batch-deliverer.js';
import { createBatchScheduler } from './create-batch-scheduler.js';
import { createProgressPrinter } from './create-progress-printer.js';
import { createUsageStreamHandle } from './create-usage-stream-handle.js';
import { InvalidUsageEventError, OutboxClosedError, OutboxFullError } from './errors.js';
import { formatCount } from './format-count.js';
import { nodeJournalFileSystem } from './journal-file-system.js';
import type { JournalRecord } from './journal-record.js';
import { openJournalDirectory } from './open-journal-directory.js';
import { createOutboxEmitter, type WarningNotice } from './outbox-emitter.js';
import type { OutboxEvent } from './outbox-event.js';
import { parseOutboxEvent } from './parse-outbox-event.js';
import type { JournalDamage, RecordLocation, SegmentJournal } from './segment-journal.js';
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

// Compaction copies at most this much per turn of the event loop, never inside `enqueue`.
const compactionSliceBytes = 1024 * 1024;

/**
 * Opens a durable usage outbox: recovers in place what a previous process left in `dir` (events
 * not acknowledged, and the crash events of streams never closed), then delivers in the
 * background with batching and unbounded retries, compacting old segments in bounded slices.
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
    memoryBytes = 64 * 1024 * 1024,
    drainOnExitMs = 10_000,
    now: clock = () => new Date(),
    random = Math.random,
    fileSystem = nodeJournalFileSystem,
  } = options;
  // Enqueue times, ages and journal pauses are kept in milliseconds since the epoch.
  const now = () => clock().getTime();
  const reserveBytes = options.reserveBytes ?? 2 * segmentBytes;
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
  const streams = new Map<number, OutboxEntry & { event: OutboxEvent }>();
  // Live entries per segment, for compaction.
  const bySegment = new Map<number, Set<OutboxEntry>>();
  const counters = { enqueued: 0, recovered: 0, delivered: 0, retried: 0, deadLettered: 0 };
  // Entries whose event counts toward `memoryBytes`.
  let heldBytes = 0;
  const held = new WeakSet<OutboxEntry>();

  let lock: DirectoryLock | undefined;
  let journal: SegmentJournal | undefined;
  let nextSequence = 1;
  let startupWarnings: WarningNotice[] = [];
  let damage: JournalDamage[] = [];

  const index = (entry: OutboxEntry) => {
    if (!entry.location) return;
    const set = bySegment.get(entry.location.segment) ?? new Set<OutboxEntry>();
    bySegment.set(entry.location.segment, set);
    set.add(entry);
  };
  const track = (entry: OutboxEntry) => {
    if (!entry.location) return;
    index(entry);
    journal?.retain(entry.location.segment);
  };
  const untrack = (entry: OutboxEntry, location = entry.location) => {
    if (!location) return;
    const set = bySegment.get(location.segment);
    set?.delete(entry);
    if (set?.size === 0) bySegment.delete(location.segment);
    journal?.release(location.segment);
  };

  const deadLetterFile =
    durability === 'memory' || dir === undefined ? undefined : path.join(dir, 'dead-letter.jsonl');
  if (durability !== 'memory' && dir !== undefined) {
    const opened = openJournalDirectory({
      directory: dir,
      durability,
      fsyncIntervalMs,
      segmentBytes,
      reserveBytes,
      fileSystem: options.fileSystem,
      now: clock,
      onLockRecreated: ({ path: lockPath }) =>
        warn({
          message: `The outbox lock ${lockPath} was deleted while this process held it; re-created it. Do not delete the lock of a running outbox.`,
          details: { lockPath },
        }),
    });
    ({ lock, journal, nextSequence, damage } = opened);
    startupWarnings = opened.warnings;
    for (const replayed of opened.recovered) {
      const entry: OutboxEntry = {
        sequence: replayed.sequence,
        enqueuedAt: replayed.enqueuedAt,
        id: replayed.id,
        event: undefined,
        location: replayed.location,
      };
      unsettled.set(entry.sequence, entry);
      // Already retained by the journal on open: index without counting twice.
      index(entry);
    }
    counters.recovered = opened.recovered.length;
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

  let lastAckFailureAt = Number.NEGATIVE_INFINITY;
  // Settlement records are best effort: if one cannot be written (full disk, lost lock), the
  // events were still delivered; a restart sends them again and OpenMeter's dedup drops them.
  const writeSettlement = (record: JournalRecord) => {
    if (!journal) return;
    try {
      lock?.assertHeld();
      journal.append(record);
    } catch (error) {
      if (now() - lastAckFailureAt > 60_000) {
        lastAckFailureAt = now();
        warn({
          message: `Could not journal a settlement (${(error as Error).message}); delivery goes on, and after a restart OpenMeter's dedup drops the events sent again.`,
          details: { error },
        });
      }
    }
  };

  const forget = (entry: OutboxEntry) => {
    unsettled.delete(entry.sequence);
    if (held.delete(entry) && entry.location) heldBytes -= entry.location.length;
    untrack(entry);
  };
  const settle = (entries: OutboxEntry[]) => {
    if (stopped) return;
    writeSettlement({ k: 'ack', s: entries.map((entry) => entry.sequence) });
    for (const entry of entries) forget(entry);
    notifySettled();
    scheduleCompaction();
  };

  const loadEvent = (entry: OutboxEntry): OutboxEvent => {
    if (entry.event) return entry.event;
    if (!journal || !entry.location) throw new Error(`Event ${entry.id} has no journal record.`);
    const bytes = journal.readBytes(entry.location);
    const record = JSON.parse(bytes.toString('utf8', 12)) as JournalRecord;
    if (!('e' in record)) throw new Error(`Record of event ${entry.id} holds no event.`);
    return record.e;
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
    const event = loadEvent(entry);
    if (deadLetterFile !== undefined) {
      const line = {
        time: clock().toISOString(),
        status: failure.status,
        problem: failure.problem,
        message,
        event,
      };
      try {
        fileSystem.appendFileSync(deadLetterFile, `${JSON.stringify(line)}\n`);
      } catch (writeError) {
        // Keep it owed rather than drop it: it is retried (and refused) again later.
        throw new Error(`Could not write the dead-letter file ${deadLetterFile}.`, {
          cause: writeError,
        });
      }
    }
    counters.deadLettered += 1;
    settle([entry]);
    const where = deadLetterFile
      ? `moved it to ${deadLetterFile}`
      : 'dropped it (memory mode has no dead-letter file: keep it from the dead-letter notice)';
    logger?.warn(`OpenMeter refused event ${entry.id}; ${where}.`, {
      status: failure.status,
      message,
    });
    emitter.emit('dead-letter', {
      event,
      status: failure.status,
      problem: failure.problem,
      message,
      file: deadLetterFile,
    });
  };

  const deliverLoaded = createBatchDeliverer({
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
      onRetry(size) {
        counters.retried += size;
      },
      emit: emitter.emit,
    },
  });
  const deliver = async (batch: OutboxEntry[]) => {
    const ready: OutboxEntry[] = [];
    const transient: OutboxEntry[] = [];
    for (const entry of batch) {
      if (!entry.event) {
        try {
          entry.event = loadEvent(entry);
          transient.push(entry);
        } catch (error) {
          // The record went unreadable after it was journaled (the file was damaged or removed
          // behind the outbox's back): report it rather than retry forever.
          warn({
            message: `Could not read event ${entry.id} back from the journal (${(error as Error).message}); it is lost.`,
            details: { id: entry.id, location: entry.location },
          });
          forget(entry);
          notifySettled();
          continue;
        }
      }
      ready.push(entry);
    }
    try {
      await deliverLoaded(ready);
    } finally {
      // Read back for this batch only: a backlog is not held in memory.
      for (const entry of transient) entry.event = undefined;
    }
  };

  const scheduler = createBatchScheduler({
    batchSize,
    concurrency,
    flushIntervalMs,
    deliver,
    isOwed: (entry) => !stopped && unsettled.has(entry.sequence),
    onDeliverError({ error, requeued }) {
      const message = `Usage outbox could not settle a batch (${(error as Error).message}); ${formatCount({ count: requeued, noun: 'event' })} will be retried.`;
      logger?.error(message);
      emitter.emit('error', { error, message });
    },
    backoff: (attempt) => sleep(computeBackoffDelay({ attempt: attempt + 1, ...retry, random })),
  });
  for (const entry of unsettled.values()) scheduler.push(entry);
  if (unsettled.size > 0) scheduler.drainNow();

  // Compaction, off the hot path: when the oldest segment is mostly settled (a stuck event or
  // a long stream pins it), its few live records are copied forward a slice per turn of the
  // event loop, so the file can go. A dense oldest segment (a backlog) is left alone: copying
  // it would free nothing.
  let compactionScheduled = false;
  const scheduleCompaction = () => {
    if (compactionScheduled || !journal || stopped) return;
    compactionScheduled = true;
    setImmediate(compactStep).unref();
  };
  const compactStep = () => {
    compactionScheduled = false;
    if (!journal || stopped) return;
    const [head] = journal.segmentUsage();
    if (!head || head.active || head.live === 0 || head.live * 8 > head.written) return;
    let budget = compactionSliceBytes;
    for (const entry of [...(bySegment.get(head.segment) ?? [])]) {
      if (budget <= 0) break;
      const previous = entry.location as RecordLocation;
      try {
        lock?.assertHeld();
        const bytes = journal.readBytes(previous);
        entry.location = journal.appendBytes(bytes);
      } catch {
        return; // Full disk or lost lock: the next rotation tries again.
      }
      track(entry);
      untrack(entry, previous);
      budget -= previous.length;
    }
    scheduleCompaction();
  };

  let lastSegment = -1;
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

  const write = (record: JournalRecord): RecordLocation | undefined => {
    if (!journal) {
      // Memory mode: still refuse what could never be sent (BigInt, cycles) up front.
      if ('e' in record) checkSerializable(() => JSON.stringify(record.e));
      return undefined;
    }
    // Fencing: never write into files a new owner of the directory may delete.
    lock?.assertHeld();
    journal.assertHeadroom();
    const location = checkSerializable(() => (journal as SegmentJournal).append(record));
    if (location.segment !== lastSegment) {
      lastSegment = location.segment;
      scheduleCompaction();
    }
    return location;
  };

  const addEntry = (entry: OutboxEntry) => {
    if (entry.event && entry.location) {
      if (heldBytes + entry.location.length <= memoryBytes) {
        heldBytes += entry.location.length;
        held.add(entry);
      } else entry.event = undefined;
    }
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

  // What `close` could not deliver, said once through the logger (and the `warning` notice):
  // how many, and where they wait (or that they are lost, in memory mode).
  const reportUndelivered = ({ onExit }: { onExit: boolean }) => {
    const pending = unsettled.size;
    const openStreams = streams.size;
    if (pending === 0 && openStreams === 0) return;
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
    if (durability === 'memory' || dir === undefined) {
      const advice = onExit
        ? 'Call `await outbox.close()` before exit, or use a `dir`.'
        : `Use a \`dir\` to keep ${one ? 'it' : 'them'} across restarts.`;
      warn({
        message: `${when} with ${left} undelivered in a memory-mode outbox: ${one ? 'it is' : 'they are'} lost. ${advice}`,
        details: { pending, openStreams },
      });
      return;
    }
    // Absolute: a relative `dir` means nothing to whoever reads the log later.
    const where = path.resolve(dir);
    warn({
      message: `${when} with ${left} undelivered: ${one ? 'it stays' : 'they stay'} journaled in ${where} and ${one ? 'is' : 'are'} sent by the next outbox opened on that directory.`,
      details: { pending, openStreams, dir: where },
    });
  };

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
      reportUndelivered({ onExit });
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
      const location = write({ k: 'event', s: sequence, t: enqueuedAt, e: stamped });
      nextSequence += 1;
      counters.enqueued += 1;
      const entry: OutboxEntry = { sequence, enqueuedAt, id: stamped.id, event: stamped, location };
      track(entry);
      addEntry(entry);
    },
    openStream(crashEvent) {
      assertAccepting();
      const parsed = parseOutboxEvent(crashEvent);
      assertCapacity();
      const openedAt = now();
      const sequence = nextSequence;
      const event = stampTime(parsed, openedAt);
      const location = write({ k: 'stream-open', s: sequence, t: openedAt, e: event });
      nextSequence += 1;
      const stream = { sequence, enqueuedAt: openedAt, id: event.id, event, location };
      track(stream);
      streams.set(sequence, stream);
      return createUsageStreamHandle({
        stream,
        host: {
          write,
          writeSettlement,
          moved({ stream: moved, previous }) {
            track(moved);
            untrack(moved, previous);
          },
          allocateSequence: () => nextSequence++,
          now,
          isStopped: () => stopped,
          stampTime,
          onClosed({ stream: closed, final }) {
            streams.delete(sequence);
            if (final) {
              counters.enqueued += 1;
              track(final);
              addEntry(final);
            }
            untrack(closed);
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

function checkSerializable<T>(write: () => T): T {
  try {
    return write();
  } catch (error) {
    // JSON.stringify's own refusals (BigInt, cycles) are the caller's input, not a disk problem;
    // storage failures arrive as OutboxWriteError, bugs as themselves.
    if (error instanceof TypeError && /BigInt|circular/i.test(error.message)) {
      throw new InvalidUsageEventError(
        'event',
        `Usage event is not JSON-serializable (${error.message}); it was NOT recorded. Use plain JSON values in \`data\`.`,
        { cause: error },
      );
    }
    throw error;
  }
}
