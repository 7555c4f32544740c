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
 * stream's id, an estimate is journaled with `outbox.openStream` and refreshed every
 * `snapshotEveryChunks` chunks; the stream's one final event (provider usage or estimate)
 * replaces it under the same id. If the process dies mid-stream, the outbox delivers the last
 * snapshot as a `crashed` estimate on its next start.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming
 */
export function meterChatStreamIntoOutbox<Chunk extends ChatCompletionChunkLike>({
  stream,
  request,
  outbox,
  options,
  signal,
  snapshotEveryChunks = 8,
  onUsage,
}: {
  stream: AsyncIterable<Chunk>;
  request: ChatPromptRequest;
  outbox: UsageOutbox;
  options: StreamMeterOptions;
  signal?: AbortSignal | undefined;
  snapshotEveryChunks?: number;
  /** Sees the final event after it is journaled (for printing). */
  onUsage?: (event: UsageEvent) => void;
}): AsyncIterableIterator<Chunk> {
  const meter = new ChatStreamMeter({ request, options });
  let handle: UsageStreamHandle | undefined;
  const snapshot = (): UsageEvent | undefined => {
    try {
      return meter.finish({ reason: 'aborted' });
    } catch {
      // No id yet (or no time): nothing that could be journaled under the final id.
      return undefined;
    }
  };
  return createMeteredIterable<Chunk>({
    stream,
    meter: {
      push(chunk) {
        meter.push(chunk);
        if (handle === undefined) {
          const estimate = snapshot();
          if (estimate) handle = outbox.openStream(estimate);
        } else if (meter.chunkCount % snapshotEveryChunks === 0) {
          const estimate = snapshot();
          if (estimate) handle.update(estimate);
        }
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
