import { nodeJournalFileSystem } from './journal-file-system.js';
import type { JournalDurability } from './segment-journal.js';
import type { OutboxLogger, UsageOutboxOptions } from './usage-outbox-types.js';

const defaultLogger: OutboxLogger = {
  warn: (message, details) => console.warn(`[meter-outbox] ${message}`, details ?? ''),
  error: (message, details) => console.error(`[meter-outbox] ${message}`, details ?? ''),
};

/**
 * {@link UsageOutboxOptions} with every default filled in (the defaults are documented there).
 * `dir` is undefined in memory mode, also when `durability: 'memory'` was asked for with a `dir`.
 */
export interface ResolvedOutboxOptions
  extends Required<
    Omit<UsageOutboxOptions, 'dir' | 'durability' | 'logger' | 'retry' | 'reserveBytes'>
  > {
  dir: string | undefined;
  durability: JournalDurability | 'memory';
  logger: OutboxLogger | undefined;
  retry: { initialDelayMs: number; maxDelayMs: number; maxRetryAfterMs: number };
  reserveBytes: number;
}

/**
 * Fills in the defaults of `createUsageOutbox`'s options and refuses counts that are not
 * positive integers with a `RangeError` naming the option.
 */
export function resolveOutboxOptions(options: UsageOutboxOptions): ResolvedOutboxOptions {
  const {
    client,
    fsyncIntervalMs = 50,
    batchSize = 500,
    flushIntervalMs = 1000,
    maxPending = 100_000,
    concurrency = 2,
    segmentBytes = 8 * 1024 * 1024,
    memoryBytes = 64 * 1024 * 1024,
    drainOnExitMs = 10_000,
    now = () => new Date(),
    random = Math.random,
    fileSystem = nodeJournalFileSystem,
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
  const durability = options.dir === undefined ? 'memory' : (options.durability ?? 'group');
  return {
    client,
    dir: durability === 'memory' ? undefined : options.dir,
    durability,
    fsyncIntervalMs,
    batchSize,
    flushIntervalMs,
    maxPending,
    concurrency,
    segmentBytes,
    reserveBytes: options.reserveBytes ?? 2 * segmentBytes,
    memoryBytes,
    drainOnExitMs,
    now,
    random,
    fileSystem,
    logger: options.logger === false ? undefined : (options.logger ?? defaultLogger),
    retry: {
      initialDelayMs: options.retry?.initialDelayMs ?? 200,
      maxDelayMs: options.retry?.maxDelayMs ?? 30_000,
      maxRetryAfterMs: options.retry?.maxRetryAfterMs ?? 10 * 60_000,
    },
  };
}
