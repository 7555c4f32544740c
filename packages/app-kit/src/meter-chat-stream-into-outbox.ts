import { randomUUID } from 'node:crypto';
import {
  type ChatCompletionChunkLike,
  type ChatPromptRequest,
  ChatStreamMeter,
  createMeteredIterable,
  type StreamMeterOptions,
  type UsageEvent,
} from '@llm-meter/meter-core';
import type { UsageOutbox, UsageStreamHandle } from '@llm-meter/meter-outbox';

/**
 * Meters a chat completion stream into the outbox, crash-safe: the prompt estimate is journaled
 * with `outbox.openStream` before the first chunk (under a provisional id), re-keyed to the
 * provider's id once a chunk names the stream, then refreshed at most every
 * `snapshotIntervalMs` (and every `snapshotEveryChunks` chunks at least apart); the stream's one
 * final event (provider usage or estimate) replaces it under the same id. If the process dies
 * mid-stream, the outbox delivers the last snapshot as a `crashed` estimate on its next start.
 * A journaling failure mid-stream (outbox full or closed) never breaks the stream: it goes to
 * `onJournalError` and the final event is still enqueued at the end.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming
 */
export function meterChatStreamIntoOutbox<Chunk extends ChatCompletionChunkLike>({
  stream,
  request,
  outbox,
  options,
  signal,
  snapshotEveryChunks = 8,
  snapshotIntervalMs = 250,
  now = Date.now,
  onUsage,
  onJournalError = () => undefined,
}: {
  stream: AsyncIterable<Chunk>;
  request: ChatPromptRequest;
  outbox: UsageOutbox;
  options: StreamMeterOptions;
  signal?: AbortSignal | undefined;
  snapshotEveryChunks?: number;
  snapshotIntervalMs?: number;
  now?: () => number;
  /** Sees the final event after it is journaled (for printing). */
  onUsage?: (event: UsageEvent) => void;
  onJournalError?: (error: unknown) => void;
}): AsyncIterableIterator<Chunk> {
  // Until a chunk names the stream, a provisional id (the caller's `options.id`, or a UUID)
  // keys the journaled prompt estimate; it is also the id of a stream that fails before its
  // first chunk.
  const meter = new ChatStreamMeter({
    request,
    options: {
      ...options,
      id: options.id ?? randomUUID(),
      now: options.now ?? (() => new Date(now())),
    },
  });
  let handle: UsageStreamHandle | undefined;
  let named = false;
  let lastSnapshotChunk = 0;
  let lastSnapshotAt = 0;
  // Each snapshot re-encodes what has streamed so far, so they are spaced out in time as well
  // as in chunks: the cost stays a few encodings per second, however long the stream.
  const journalSnapshot = ({ force }: { force: boolean }) => {
    const count = meter.chunkCount;
    if (
      !force &&
      handle &&
      (count - lastSnapshotChunk < snapshotEveryChunks ||
        now() - lastSnapshotAt < snapshotIntervalMs)
    ) {
      return;
    }
    let estimate: UsageEvent;
    try {
      estimate = meter.finish({ reason: 'aborted' });
    } catch {
      // No id or time yet: nothing can be journaled under the final event's id.
      return;
    }
    try {
      if (handle && handle.id !== estimate.id) {
        // The first chunk named the stream: re-key the record under the provider's id.
        handle.abandon();
        handle = undefined;
      }
      // The outbox delivers this event unchanged if the process dies mid-stream.
      const crashEvent = { ...estimate, data: { ...estimate.data, estimate_reason: 'crashed' } };
      if (handle) handle.update(crashEvent);
      else handle = outbox.openStream(crashEvent);
      lastSnapshotChunk = count;
      lastSnapshotAt = now();
    } catch (error) {
      onJournalError(error);
    }
  };
  // Journal the prompt estimate before the first chunk: a process that dies while a reasoning
  // model thinks still bills the prompt.
  journalSnapshot({ force: true });
  return createMeteredIterable<Chunk>({
    stream,
    meter: {
      push(chunk) {
        meter.push(chunk);
        const naming = !named && typeof chunk?.id === 'string' && chunk.id !== '';
        if (naming) named = true;
        journalSnapshot({ force: naming });
      },
      finish: ({ reason }) => meter.finish({ reason }),
    },
    callbacks: {
      signal,
      onUsage(event) {
        if (handle && handle.id === event.id) handle.complete(event);
        else {
          // Re-keying failed earlier (or nothing was journaled): record the final event alone.
          handle?.abandon();
          outbox.enqueue(event);
        }
        onUsage?.(event);
      },
    },
  });
}
