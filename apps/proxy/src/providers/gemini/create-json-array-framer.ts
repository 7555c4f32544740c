import { GeminiChunkDecoder } from '@llm-meter/meter-core/push';
import type { SseEvent, StreamFramer } from '../../relay/create-sse-framer.js';

/**
 * Splits a `:streamGenerateContent` body sent as one JSON array (Gemini without `alt=sse`) into
 * its chunks, push-based, for the relay: each push's bytes are forwarded exactly as they came,
 * on the last event of the chunks they completed (so every chunk is metered before its bytes
 * reach the caller), or on an event without data when they completed none.
 * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 */
export function createJsonArrayFramer(): StreamFramer {
  const decoder = new GeminiChunkDecoder();
  const text = new TextDecoder();
  const events = (bytes: Uint8Array, chunks: readonly unknown[]): SseEvent[] => {
    if (chunks.length === 0)
      return bytes.length === 0 ? [] : [{ bytes, event: undefined, data: undefined }];
    const none = new Uint8Array(0);
    return chunks.map((chunk, index) => ({
      bytes: index === chunks.length - 1 ? bytes : none,
      event: undefined,
      data: JSON.stringify(chunk),
    }));
  };
  return {
    push: (bytes) => events(bytes, decoder.decode(text.decode(bytes, { stream: true })).chunks),
    flush: () => {
      const rest = text.decode();
      const chunks = [
        ...(rest === '' ? [] : decoder.decode(rest).chunks),
        ...decoder.flush().chunks,
      ];
      return events(new Uint8Array(0), chunks);
    },
  };
}
