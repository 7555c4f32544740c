import type { OutboxEvent } from './outbox-event.js';

/**
 * A batch OpenMeter accepted.
 * @see https://nodejs.org/api/events.html
 */
export interface DeliveredNotice {
  events: OutboxEvent[];
  /** Failed attempts before this one. */
  retries: number;
}

/**
 * A failed attempt that will be retried after `delayMs`.
 * @see https://nodejs.org/api/events.html
 */
export interface RetryNotice {
  error: unknown;
  status: number | undefined;
  /** `configuration` for 401/403/404/405 (fix the API key or base URL), `retry` otherwise. */
  kind: 'retry' | 'configuration';
  attempt: number;
  delayMs: number;
  batchSize: number;
}

/**
 * An event OpenMeter refused (non-retryable 4xx), moved to the dead-letter file.
 * @see https://nodejs.org/api/events.html
 */
export interface DeadLetterNotice {
  event: OutboxEvent;
  status: number | undefined;
  problem: unknown;
  message: string;
  /** The JSONL file it was appended to (undefined in memory mode). */
  file: string | undefined;
}

/**
 * Something needs a human: 401/403 from OpenMeter, an unexpected failure.
 * @see https://nodejs.org/api/events.html
 */
export interface ErrorNotice {
  error: unknown;
  message: string;
}

/**
 * Something worth logging: a corrupt journal tail, streams metered as crashed, a stale lock.
 * @see https://nodejs.org/api/events.html
 */
export interface WarningNotice {
  message: string;
  details?: Record<string, unknown>;
}

/**
 * Notices the outbox emits, by name.
 * @see https://nodejs.org/api/events.html
 */
export interface OutboxNoticeMap {
  delivered: DeliveredNotice;
  retry: RetryNotice;
  'dead-letter': DeadLetterNotice;
  error: ErrorNotice;
  warning: WarningNotice;
}

/**
 * Subscribes to outbox notices; returns a function that unsubscribes.
 */
export type OutboxSubscribe = <Name extends keyof OutboxNoticeMap>(
  name: Name,
  listener: (notice: OutboxNoticeMap[Name]) => void,
) => () => void;

/**
 * A tiny typed emitter. Unlike `node:events`, an `error` notice without listeners does not throw
 * (the flusher must keep running), and a throwing listener cannot break delivery.
 */
export function createOutboxEmitter(): {
  on: OutboxSubscribe;
  emit: <Name extends keyof OutboxNoticeMap>(name: Name, notice: OutboxNoticeMap[Name]) => void;
} {
  const listeners = new Map<string, Set<(notice: never) => void>>();
  return {
    on(name, listener) {
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set);
      set.add(listener as (notice: never) => void);
      return () => set.delete(listener as (notice: never) => void);
    },
    emit(name, notice) {
      const set = listeners.get(name);
      if (!set) return;
      for (const listener of set) {
        try {
          (listener as (notice: unknown) => void)(notice);
        } catch {
          // A broken metrics hook must not stop billing.
        }
      }
    },
  };
}
