import {
  createMeteredIterable,
  type MeteredStreamCallbacks,
} from '../../../stream/create-metered-iterable.js';
import type {
  GeminiPromptRequest,
  GenerateContentResponseLike,
} from '../events/gemini-response-types.js';
import { GeminiStreamMeter, type GeminiStreamMeterOptions } from './gemini-stream-meter.js';

/**
 * Options of {@link meterGeminiStream}: the request (for estimates), the event envelope and
 * fallbacks, and the callbacks.
 * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 */
export interface MeterGeminiStreamOptions extends GeminiStreamMeterOptions, MeteredStreamCallbacks {
  /** The request body, or the parameters passed to `ai.models.generateContentStream`. */
  request: GeminiPromptRequest;
}

/**
 * Wraps a stream of Gemini chunks (what `ai.models.generateContentStream` of `@google/genai`
 * returns, or chunks decoded with `GeminiChunkDecoder`): yields every chunk unchanged and at
 * once, and when the stream ends (completed, `break`, abort or error) calls `onUsage` exactly
 * once with the final chunk's usage or an estimate.
 * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 */
export function meterGeminiStream<Chunk extends GenerateContentResponseLike>(
  stream: AsyncIterable<Chunk>,
  options: MeterGeminiStreamOptions,
): AsyncIterableIterator<Chunk> {
  const { request, onUsage, onUsageError, signal, ...meterOptions } = options;
  return createMeteredIterable<Chunk>({
    stream,
    meter: new GeminiStreamMeter({ request, options: meterOptions }),
    callbacks: { onUsage, onUsageError, signal },
  });
}
