import type { UsageEvent } from '../events/usage-event.js';
import type { StreamEndReason } from './stream-meter-options.js';

/**
 * What the edge wrappers need from a push-based stream meter.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming
 */
export interface PushStreamMeter<Chunk> {
  push(chunk: Chunk): void;
  finish(options: { reason: StreamEndReason }): UsageEvent;
}

/**
 * Callbacks of the stream wrappers. `onUsage` runs exactly once when the stream ends, however it
 * ends, before the end (or the stream's error) reaches the consumer. When the event cannot be
 * built or `onUsage` throws, the error goes to `onUsageError` if given; otherwise it is thrown to
 * the consumer, unless the stream failed itself: the stream's error always wins.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming
 */
export interface MeteredStreamCallbacks {
  /** Receives the one usage event of the stream; awaited when it returns a promise. */
  onUsage: (event: UsageEvent) => void | Promise<void>;
  /** Receives a metering failure (`UsageEventError` or whatever `onUsage` threw). */
  onUsageError?: ((error: unknown) => void) | undefined;
  /** The signal passed to the openai SDK: when it fired, the end counts as `aborted`. */
  signal?: AbortSignal | undefined;
}

function isAbortError(error: unknown): boolean {
  return (
    error instanceof Error && (error.name === 'AbortError' || error.name === 'APIUserAbortError')
  );
}

/**
 * Wraps an async iterable so that every chunk is pushed to `meter` and passed on unchanged and
 * at once, and the meter's event reaches `onUsage` exactly once: on the end of the stream, on
 * the consumer's `break`/`return` (also before the first chunk), or on the stream's error, which
 * is re-thrown after `onUsage`.
 * @see https://tc39.es/ecma262/#sec-asynciterator-interface
 */
export function createMeteredIterable<Chunk>({
  stream,
  meter,
  callbacks,
}: {
  stream: AsyncIterable<Chunk>;
  meter: PushStreamMeter<Chunk>;
  callbacks: MeteredStreamCallbacks;
}): AsyncIterableIterator<Chunk> {
  const { onUsage, onUsageError, signal } = callbacks;
  let iterator: AsyncIterator<Chunk> | undefined;
  let reported = false;

  async function report({
    reason,
    streamFailed,
  }: {
    reason: StreamEndReason;
    streamFailed: boolean;
  }) {
    if (reported) return;
    reported = true;
    try {
      await onUsage(meter.finish({ reason }));
    } catch (usageError) {
      if (onUsageError) {
        try {
          onUsageError(usageError);
        } catch (callbackError) {
          if (!streamFailed) throw callbackError;
        }
      } else if (!streamFailed) {
        throw usageError;
      }
    }
  }

  async function close(): Promise<{ error: unknown } | undefined> {
    try {
      await iterator?.return?.();
      return undefined;
    } catch (error) {
      return { error };
    }
  }

  const metered: AsyncIterableIterator<Chunk> = {
    async next() {
      if (reported) return { done: true, value: undefined };
      iterator ??= stream[Symbol.asyncIterator]();
      let result: IteratorResult<Chunk>;
      try {
        result = await iterator.next();
      } catch (error) {
        const aborted = signal?.aborted === true || isAbortError(error);
        await report({ reason: aborted ? 'aborted' : 'error', streamFailed: true });
        throw error;
      }
      if (result.done) {
        await report({ reason: signal?.aborted ? 'aborted' : 'completed', streamFailed: false });
        return { done: true, value: undefined };
      }
      meter.push(result.value);
      return result;
    },
    async return(value?: unknown) {
      if (!reported) {
        const closeFailure = await close();
        await report({ reason: 'aborted', streamFailed: closeFailure !== undefined });
        if (closeFailure) throw closeFailure.error;
      }
      return { done: true, value: value as Chunk };
    },
    async throw(error?: unknown) {
      if (!reported) {
        await close();
        await report({ reason: 'aborted', streamFailed: true });
      }
      throw error;
    },
    [Symbol.asyncIterator]() {
      return metered;
    },
  };
  return metered;
}
