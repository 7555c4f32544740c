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
 * Meters a chat completion stream into the outbox, crash-safe: once the first chunk names the
 * stream's id, an estimate is journaled with `outbox.openStream`, then refreshed at most every
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
  const meter = new ChatStreamMeter({ request, options });
  let handle: UsageStreamHandle | undefined;
  let lastSnapshotChunk = 0;
  let lastSnapshotAt = 0;
  // Each snapshot re-encodes what has streamed so far, so they are spaced out in time as well
  // as in chunks: the cost stays a few encodings per second, however long the stream.
  const journalSnapshot = () => {
    const count = meter.chunkCount;
    if (
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
      if (handle) handle.update(estimate);
      else handle = outbox.openStream(estimate);
      lastSnapshotChunk = count;
      lastSnapshotAt = now();
    } catch (error) {
      onJournalError(error);
    }
  };
  return createMeteredIterable<Chunk>({
    stream,
    meter: {
      push(chunk) {
        meter.push(chunk);
        journalSnapshot();
      },
      finish: ({ reason }) => meter.finish({ reason }),
    },
    callbacks: {
      signal,
      onUsage(event) {
        if (handle) handle.complete(event);
        else outbox.enqueue(event);
        onUsage?.(event);
      },
    },
  });
}
