import * as fs from 'node:fs';
import * as path from 'node:path';
import { acquireDirectoryLock, type DirectoryLock } from './acquire-directory-lock.js';
import { classifyIngestError, type IngestFailure } from './classify-ingest-error.js';
import { computeBackoffDelay } from './compute-backoff-delay.js';
import { InvalidUsageEventError, OutboxClosedError, OutboxFullError } from './errors.js';
import { markCrashedEstimate } from './mark-crashed-estimate.js';
import { createOutboxEmitter, type OutboxSubscribe, type WarningNotice } from './outbox-emitter.js';
import type { OutboxEvent, OutboxIngestClient } from './outbox-event.js';
import { parseOutboxEvent } from './parse-outbox-event.js';
import { replayJournal } from './replay-journal.js';
import {
  type JournalDurability,
  openSegmentJournal,
  type SegmentJournal,
} from './segment-journal.js';
import { waitFor } from './wait-for.js';

/** Where log lines go; `false` in the options silences them (notices still fire). */
export interface OutboxLogger {
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

/** Options of {@link createUsageOutbox}. */
export interface UsageOutboxOptions {
  /** Batch ingest; create the OpenMeter client with `retry: false`, the outbox retries itself. */
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
  /** Default: `console`. */
  logger?: OutboxLogger | false;
  /** Injected for tests. */
  now?: () => number;
  random?: () => number;
}

/** Counters since this outbox opened (`pending` and `oldestPendingAgeMs` include recovered events). */
export interface OutboxStats {
  enqueued: number;
  recovered: number;
  delivered: number;
  retried: number;
  deadLettered: number;
  pending: number;
  openStreams: number;
  oldestPendingAgeMs: number;
}

/** Progress while `flush`/`close` wait for a backlog to drain. */
export interface DrainProgress {
  pending: number;
  delivered: number;
  elapsedMs: number;
  eventsPerSecond: number;
}

/** Options of `flush` and `close`. */
export interface DrainOptions {
  /** Give up waiting after this long (what is left stays journaled). `flush` default: no limit; `close` default 5000. */
  deadlineMs?: number;
  /** Called about once a second while waiting; see `createProgressPrinter`. */
  onProgress?: (progress: DrainProgress) => void;
}

/** What `flush`/`close` achieved. */
export interface DrainResult {
  /** Everything due was delivered (or dead-lettered). */
  drained: boolean;
  /** Events still owed (journaled, sent on next start unless in memory mode). */
  pending: number;
  openStreams: number;
}

/** An in-flight stream's usage record; see `UsageOutbox.openStream`. */
export interface UsageStreamHandle {
  readonly id: string;
  /** Replaces the journaled estimate (e.g. with completion tokens so far); same id required. */
  update(estimatedEvent: OutboxEvent): void;
  /** Records the final usage (same id as the opened estimate) for delivery. */
  complete(finalEvent: OutboxEvent): void;
  /** Drops the record: nothing is metered for this stream. */
  abandon(): void;
}

/** The outbox; see {@link createUsageOutbox}. */
export interface UsageOutbox {
  /** Journals the event and returns; delivery happens in the background. */
  enqueue(event: OutboxEvent): void;
  /** Journals a stream's estimate; metered as `estimate_reason: 'crashed'` if never completed. */
  openStream(estimatedEvent: OutboxEvent): UsageStreamHandle;
  /** Makes the journal durable and waits until everything enqueued so far is settled. */
  flush(options?: DrainOptions): Promise<DrainResult>;
  /** Stops accepting events, drains until the deadline, keeps the rest journaled. Idempotent. */
  close(options?: DrainOptions): Promise<DrainResult>;
  stats(): OutboxStats;
  on: OutboxSubscribe;
  /** The dead-letter JSONL file, undefined in memory mode. */
  readonly deadLetterFile: string | undefined;
}

interface Entry {
  sequence: number;
  enqueuedAt: number;
  event: OutboxEvent;
  segment: number;
}

type SendOutcome =
  | { kind: 'delivered' }
  | { kind: 'stopped' }
  | { kind: 'rejected'; failure: IngestFailure; error: unknown };

const defaultLogger: OutboxLogger = {
  warn: (message, details) => console.warn(`[meter-outbox] ${message}`, details ?? ''),
  error: (message, details) => console.error(`[meter-outbox] ${message}`, details ?? ''),
};

/**
 * Opens a durable usage outbox: recovers what a previous process left in `dir` (events not
 * acknowledged, streams never closed, which become `crashed` estimates), then delivers in the
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
  const durability = dir === undefined ? 'memory' : (options.durability ?? 'group');
  if (durability !== 'memory' && dir === undefined) {
    throw new Error(
      `durability '${durability}' needs a \`dir\`; pass one or use durability 'memory'.`,
    );
  }
  const initialDelayMs = options.retry?.initialDelayMs ?? 200;
  const maxDelayMs = options.retry?.maxDelayMs ?? 30_000;
  const maxRetryAfterMs = options.retry?.maxRetryAfterMs ?? 10 * 60_000;
  const logger = options.logger === false ? undefined : (options.logger ?? defaultLogger);
  const emitter = createOutboxEmitter();

  const unsettled = new Map<number, Entry>();
  const streams = new Map<number, Entry>();
  let queue: Entry[] = [];
  let queueHead = 0;
  const queueLength = () => queue.length - queueHead;
  const counters = { enqueued: 0, recovered: 0, delivered: 0, retried: 0, deadLettered: 0 };
  const startupWarnings: WarningNotice[] = [];
  const warn = (notice: WarningNotice) => {
    logger?.warn(notice.message, notice.details);
    emitter.emit('warning', notice);
  };

  let lock: DirectoryLock | undefined;
  let journal: SegmentJournal | undefined;
  let nextSequence = 1;
  const deadLetterFile =
    durability === 'memory' || dir === undefined ? undefined : path.join(dir, 'dead-letter.jsonl');

  if (durability !== 'memory' && dir !== undefined) {
    fs.mkdirSync(dir, { recursive: true });
    lock = acquireDirectoryLock({
      directory: dir,
      onStaleLock: ({ path: lockPath, ownerPid }) =>
        startupWarnings.push({
          message: `Took over a stale outbox lock left by process ${ownerPid}, which is no longer running.`,
          details: { lockPath, ownerPid },
        }),
    });
    try {
      journal = openSegmentJournal({ directory: dir, durability, fsyncIntervalMs, segmentBytes });
      for (const corruption of journal.corruptions) {
        startupWarnings.push({
          message: `Journal ${corruption.file} has a torn or corrupt tail (${corruption.reason}) at byte ${corruption.offset}; recovered every whole record before it and discarded ${corruption.discardedBytes} bytes. Expected after a crash or power loss mid-write.`,
          details: { ...corruption },
        });
      }
      const replayed = replayJournal(journal.recoveredRecords);
      nextSequence = replayed.nextSequence;
      const crashed = replayed.openStreams.map((stream) => ({
        ...stream,
        event: markCrashedEstimate(stream.event),
      }));
      if (crashed.length > 0) {
        startupWarnings.push({
          message: `${crashed.length} stream(s) were still open when the previous process stopped; metering their estimates with estimate_reason 'crashed'.`,
          details: { ids: crashed.map((stream) => stream.event.id) },
        });
      }
      const live = [...replayed.events, ...crashed].sort(
        (left, right) => left.sequence - right.sequence,
      );
      const segment = journal.rewriteAll(
        live.map((entry) => ({
          k: 'event',
          s: entry.sequence,
          t: entry.enqueuedAt,
          e: entry.event,
        })),
      );
      for (const entry of live) {
        journal.retain(segment);
        const recovered = { ...entry, segment };
        unsettled.set(entry.sequence, recovered);
        queue.push(recovered);
      }
      counters.recovered = live.length;
    } catch (error) {
      await journal?.close().catch(() => {});
      lock.release();
      throw error;
    }
    journal.setRelocator(({ segment, rewrite }) => {
      for (const entry of unsettled.values()) {
        if (entry.segment === segment) {
          entry.segment = rewrite({
            k: 'event',
            s: entry.sequence,
            t: entry.enqueuedAt,
            e: entry.event,
          });
        }
      }
      for (const entry of streams.values()) {
        if (entry.segment === segment) {
          entry.segment = rewrite({
            k: 'stream-open',
            s: entry.sequence,
            t: entry.enqueuedAt,
            e: entry.event,
          });
        }
      }
    });
  }

  let closing = false;
  let stopped = false;
  let drainPartial = queueLength() > 0;
  let activeWorkers = 0;
  let flushTimer: NodeJS.Timeout | undefined;
  const stopController = new AbortController();
  let settleWaiters: Array<() => void> = [];
  const notifySettled = () => {
    const waiters = settleWaiters;
    settleWaiters = [];
    for (const waiter of waiters) waiter();
  };
  const nextSettlement = () => new Promise<void>((resolve) => settleWaiters.push(resolve));

  const takeBatch = (): Entry[] => {
    const batch = queue.slice(queueHead, queueHead + batchSize);
    queueHead += batch.length;
    if (queueHead > 4096 && queueHead * 2 > queue.length) {
      queue = queue.slice(queueHead);
      queueHead = 0;
    }
    return batch;
  };

  const settle = (entries: Entry[]) => {
    if (stopped) return;
    journal?.append({ k: 'ack', s: entries.map((entry) => entry.sequence) });
    for (const entry of entries) {
      unsettled.delete(entry.sequence);
      journal?.release(entry.segment);
    }
    notifySettled();
  };

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

  const send = async (entries: Entry[]): Promise<SendOutcome> => {
    for (let attempt = 0; ; attempt++) {
      if (stopped) return { kind: 'stopped' };
      try {
        await client.events.ingest(entries.map((entry) => entry.event));
        if (stopped) return { kind: 'stopped' };
        emitter.emit('delivered', {
          events: entries.map((entry) => entry.event),
          retries: attempt,
        });
        return { kind: 'delivered' };
      } catch (error) {
        if (stopped) return { kind: 'stopped' };
        // The client's own pre-send validation (e.g. an unparseable `time`) can never succeed.
        const failure =
          (error as Error | undefined)?.name === 'InvalidEventError'
            ? {
                kind: 'reject' as const,
                status: undefined,
                retryAfterMs: undefined,
                problem: undefined,
              }
            : classifyIngestError(error);
        if (failure.kind === 'reject') return { kind: 'rejected', failure, error };
        const delayMs = computeBackoffDelay({
          attempt,
          initialDelayMs,
          maxDelayMs,
          retryAfterMs:
            failure.retryAfterMs === undefined
              ? undefined
              : Math.min(failure.retryAfterMs, maxRetryAfterMs),
          random,
        });
        counters.retried += entries.length;
        emitter.emit('retry', {
          error,
          status: failure.status,
          kind: failure.kind,
          attempt,
          delayMs,
          batchSize: entries.length,
        });
        if (failure.kind === 'configuration') {
          const cause =
            failure.status === 401 || failure.status === 403
              ? 'refused the API key'
              : 'has no ingest endpoint at this URL';
          const message = `OpenMeter ${cause} (HTTP ${failure.status}): ${entries.length} events are held and retried, not dropped. Fix the API key, permissions or baseUrl; usage keeps accumulating in the outbox (maxPending ${maxPending}).`;
          if (attempt % 10 === 0) logger?.error(message, { status: failure.status });
          emitter.emit('error', { error, message });
        }
        await sleep(delayMs);
      }
    }
  };

  const deadLetter = ({
    entry,
    failure,
    error,
  }: {
    entry: Entry;
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
    logger?.warn(`OpenMeter refused event ${entry.event.id}; moved it to the dead-letter file.`, {
      status: failure.status,
      file: deadLetterFile,
    });
    emitter.emit('dead-letter', {
      event: entry.event,
      status: failure.status,
      problem: failure.problem,
      message,
      file: deadLetterFile,
    });
  };

  // Sends a batch; on a non-retryable 4xx, bisects to deliver the good events and dead-letter
  // the bad ones (log2(batch) extra requests per bad event).
  const deliver = async (batch: Entry[]) => {
    const stack = [batch];
    while (stack.length > 0) {
      const part = stack.pop() as Entry[];
      const outcome = await send(part);
      if (outcome.kind === 'stopped') return;
      if (outcome.kind === 'delivered') {
        counters.delivered += part.length;
        settle(part);
      } else if (part.length === 1) {
        deadLetter({ entry: part[0] as Entry, failure: outcome.failure, error: outcome.error });
      } else {
        const middle = Math.ceil(part.length / 2);
        stack.push(part.slice(middle), part.slice(0, middle));
      }
    }
  };

  const work = async () => {
    activeWorkers += 1;
    try {
      while (!stopped && (queueLength() >= batchSize || (drainPartial && queueLength() > 0))) {
        await deliver(takeBatch());
      }
    } catch (error) {
      const message = `Usage outbox flusher failed unexpectedly (${(error as Error).message}); events stay journaled.`;
      logger?.error(message);
      emitter.emit('error', { error, message });
    } finally {
      activeWorkers -= 1;
      if (queueLength() === 0) drainPartial = false;
      if (!stopped) schedule();
    }
  };

  const kick = () => {
    if (flushTimer) {
      clearTimeout(flushTimer);
      flushTimer = undefined;
    }
    while (!stopped && activeWorkers < concurrency && queueLength() > 0) {
      if (queueLength() < batchSize && !drainPartial) break;
      void work();
    }
  };

  function schedule() {
    if (stopped || queueLength() === 0) return;
    if (queueLength() >= batchSize || drainPartial) return kick();
    if (flushTimer === undefined) {
      flushTimer = setTimeout(() => {
        flushTimer = undefined;
        drainPartial = true;
        kick();
      }, flushIntervalMs);
      flushTimer.unref();
    }
  }

  const assertAccepting = () => {
    if (closing) throw new OutboxClosedError();
  };
  const assertCapacity = () => {
    const pending = unsettled.size + streams.size;
    if (pending >= maxPending) throw new OutboxFullError(pending, maxPending);
  };
  const stampTime = (event: OutboxEvent, at: number): OutboxEvent =>
    // Stamped once here so every retry carries the same time (the client would re-stamp each try).
    event.time === undefined || event.time === null
      ? { ...event, time: new Date(at).toISOString() }
      : event;

  const write = (record: Parameters<SegmentJournal['append']>[0]): number => {
    if (!journal) return -1;
    try {
      const segment = journal.append(record);
      journal.retain(segment);
      return segment;
    } catch (error) {
      throw new Error(
        `Usage outbox could not journal the event in ${dir} (${(error as Error).message}); it was NOT recorded. Check free disk space and permissions.`,
        { cause: error },
      );
    }
  };

  const addEntry = (entry: Entry) => {
    unsettled.set(entry.sequence, entry);
    queue.push(entry);
    schedule();
  };

  const drain = async ({
    isDone,
    deadlineMs,
    onProgress,
  }: {
    isDone: () => boolean;
    deadlineMs: number | undefined;
    onProgress: DrainOptions['onProgress'];
  }): Promise<boolean> => {
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
            onProgress({
              pending: unsettled.size,
              delivered,
              elapsedMs,
              eventsPerSecond: elapsedMs > 0 ? Math.round((delivered * 1000) / elapsedMs) : 0,
            });
          }
        : undefined,
    });
  };

  let closePromise: Promise<DrainResult> | undefined;
  const result = (drained: boolean): DrainResult => ({
    drained,
    pending: unsettled.size,
    openStreams: streams.size,
  });

  const outbox: UsageOutbox = {
    deadLetterFile,
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
    openStream(estimatedEvent) {
      assertAccepting();
      const parsed = parseOutboxEvent(estimatedEvent);
      assertCapacity();
      const openedAt = now();
      const sequence = nextSequence;
      const stream: Entry = {
        sequence,
        enqueuedAt: openedAt,
        event: stampTime(parsed, openedAt),
        segment: -1,
      };
      stream.segment = write({ k: 'stream-open', s: sequence, t: openedAt, e: stream.event });
      nextSequence += 1;
      streams.set(sequence, stream);
      let settled = false;
      const assertOpen = (action: string) => {
        if (settled)
          throw new Error(
            `Usage stream ${stream.event.id} was already completed or abandoned; cannot ${action} it.`,
          );
        if (stopped)
          throw new OutboxClosedError(
            `Usage outbox is closed: stream ${stream.event.id} stays journaled and will be metered as a 'crashed' estimate when the outbox reopens on this dir.`,
          );
      };
      const sameStream = (event: OutboxEvent, action: string) => {
        const parsedEvent = stampTime(parseOutboxEvent(event), openedAt);
        for (const field of ['id', 'source'] as const) {
          if (parsedEvent[field] !== stream.event[field]) {
            throw new InvalidUsageEventError(
              field,
              `The ${action} event of a stream must keep the opened estimate's \`${field}\` (${JSON.stringify(stream.event[field])}, got ${JSON.stringify(parsedEvent[field])}), so OpenMeter's dedup on source + id can never count both.`,
            );
          }
        }
        return parsedEvent;
      };
      return {
        id: stream.event.id,
        update(event) {
          assertOpen('update');
          const next = sameStream(event, 'updated');
          const segment = write({ k: 'stream-open', s: sequence, t: openedAt, e: next });
          journal?.release(stream.segment);
          stream.segment = segment;
          stream.event = next;
        },
        complete(finalEvent) {
          assertOpen('complete');
          const final = sameStream(finalEvent, 'final');
          const finalSequence = nextSequence;
          const completedAt = now();
          const segment = write({
            k: 'stream-complete',
            s: sequence,
            n: finalSequence,
            t: completedAt,
            e: final,
          });
          nextSequence += 1;
          settled = true;
          journal?.release(stream.segment);
          streams.delete(sequence);
          counters.enqueued += 1;
          addEntry({ sequence: finalSequence, enqueuedAt: completedAt, event: final, segment });
          notifySettled();
        },
        abandon() {
          assertOpen('abandon');
          if (journal) journal.append({ k: 'stream-abandon', s: sequence });
          settled = true;
          journal?.release(stream.segment);
          streams.delete(sequence);
          notifySettled();
        },
      };
    },
    async flush({ deadlineMs, onProgress } = {}) {
      if (stopped) return result(unsettled.size === 0);
      const target = nextSequence - 1;
      await journal?.sync();
      drainPartial = true;
      kick();
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
        drainPartial = true;
        kick();
        const drained = await drain({
          isDone: () => unsettled.size === 0 && streams.size === 0,
          deadlineMs,
          onProgress,
        });
        stopped = true;
        stopController.abort();
        if (flushTimer) clearTimeout(flushTimer);
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

  // Deferred so listeners attached right after `await createUsageOutbox()` receive them.
  if (startupWarnings.length > 0) {
    setImmediate(() => {
      for (const notice of startupWarnings) warn(notice);
    });
  }
  schedule();
  return outbox;
}
