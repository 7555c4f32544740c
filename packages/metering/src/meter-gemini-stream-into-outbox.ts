import type { GeminiPromptRequest } from '@llm-meter/meter-core';
import { GeminiStreamMeter, type GenerateContentResponseLike } from '@llm-meter/meter-core/push';
import { geminiChunkReader } from './gemini-chunk-reader.js';
import { meterJournaledStream } from './meter-journaled-stream.js';
import type { MeterStreamIntoOutboxOptions } from './meter-stream-into-outbox-options.js';

/**
 * Meters a Gemini `:streamGenerateContent` stream (`@google/genai`'s
 * `models.generateContentStream`) into the outbox, crash-safe, as
 * {@link meterChatStreamIntoOutbox} does for OpenAI: the prompt estimate is journaled before the
 * first chunk, re-keyed to the `responseId` when a chunk names it, and brought up to date on
 * every chunk; the one final event (the last chunk's `usageMetadata`, or an estimate never below
 * the last cumulative counts seen) replaces it. A process killed mid-stream is billed from the
 * last snapshot as a `crashed` estimate on the outbox's next start.
 * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 */
export function meterGeminiStreamIntoOutbox<Chunk extends GenerateContentResponseLike>(
  input: MeterStreamIntoOutboxOptions<Chunk> & {
    request: GeminiPromptRequest;
    /** The model in the request URL, when the request body does not name it (`request.model`). */
    requestedModel?: string | undefined;
  },
): AsyncIterableIterator<Chunk> {
  const { request, requestedModel } = input;
  return meterJournaledStream<Chunk>({
    input,
    createMeter: (options) =>
      new GeminiStreamMeter({
        request,
        options: { ...options, ...(requestedModel === undefined ? {} : { requestedModel }) },
      }),
    reader: geminiChunkReader,
  });
}
