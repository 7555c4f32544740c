import type { ChatPromptRequest } from '@llm-meter/meter-core';
import { requireChatMessages } from '@llm-meter/meter-core/internal';
import { type ChatCompletionChunkLike, ChatStreamMeter } from '@llm-meter/meter-core/push';
import type { StreamChunkReader } from './create-stream-journal.js';
import { meterJournaledStream } from './meter-journaled-stream.js';
import type { MeterStreamIntoOutboxOptions } from './meter-stream-into-outbox-options.js';

/**
 * Reads chat completion chunks for {@link createStreamJournal}: the chunk's `id`, the text its
 * deltas add (content, refusal, tool and function call names and arguments), and its usage.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming/streaming
 */
export const chatChunkReader: StreamChunkReader<ChatCompletionChunkLike> = {
  streamIdOf: (chunk) => (typeof chunk?.id === 'string' && chunk.id !== '' ? chunk.id : undefined),
  generatedTextOf(chunk) {
    if (!Array.isArray(chunk?.choices)) return '';
    let text = '';
    for (const choice of chunk.choices) {
      const delta = choice?.delta;
      if (!delta) continue;
      if (typeof delta.content === 'string') text += delta.content;
      if (typeof delta.refusal === 'string') text += delta.refusal;
      for (const call of Array.isArray(delta.tool_calls) ? delta.tool_calls : []) {
        text += `${call?.function?.name ?? ''}${call?.function?.arguments ?? ''}`;
      }
      if (delta.function_call) {
        text += `${delta.function_call.name ?? ''}${delta.function_call.arguments ?? ''}`;
      }
    }
    return text;
  },
  carriesUsage: (chunk) => typeof chunk?.usage === 'object' && chunk.usage !== null,
};

/**
 * Meters a chat completion stream into the outbox, crash-safe: the prompt estimate is journaled
 * with `outbox.openStream` before the first chunk (under a provisional id), re-keyed to the
 * provider's id when a chunk names the stream, and brought up to date on every chunk; the
 * stream's one final event (provider usage, or an estimate) replaces it under the same id. If the
 * process dies mid-stream, the outbox delivers the last snapshot as a `crashed` estimate on its
 * next start, covering every chunk received before the kill. Chunks pass through unchanged and at
 * once; a journaling failure never breaks the stream. Throws `ChatPromptRequestError` at once
 * for a request without `messages` (a legacy completions stream).
 * @see https://platform.openai.com/docs/api-reference/chat-streaming
 */
export function meterChatStreamIntoOutbox<Chunk extends ChatCompletionChunkLike>(
  input: MeterStreamIntoOutboxOptions<Chunk> & { request: ChatPromptRequest },
): AsyncIterableIterator<Chunk> {
  const { request } = input;
  // A legacy completions stream could only be estimated as zero: refuse it before journaling.
  requireChatMessages({ request, caller: 'meterChatStreamIntoOutbox' });
  return meterJournaledStream<Chunk>({
    input,
    createMeter: (options) => new ChatStreamMeter({ request, options }),
    reader: chatChunkReader,
  });
}
