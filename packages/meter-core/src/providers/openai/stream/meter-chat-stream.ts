import {
  createMeteredIterable,
  type MeteredStreamCallbacks,
} from '../../../stream/create-metered-iterable.js';
import type { StreamMeterOptions } from '../../../stream/stream-meter-options.js';
import { type ChatPromptRequest, requireChatMessages } from '../count/count-chat-prompt-tokens.js';
import { type ChatCompletionChunkLike, ChatStreamMeter } from './chat-stream-meter.js';

/**
 * Options of {@link meterChatStream}: the request body (for estimates), the event envelope and
 * fallbacks, and the callbacks.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export interface MeterChatStreamOptions extends StreamMeterOptions, MeteredStreamCallbacks {
  /** The body passed to `chat.completions.create`. */
  request: ChatPromptRequest;
}

/**
 * Wraps the chat completion stream the openai SDK returns: yields every chunk unchanged and at
 * once, and when the stream ends (completed, `break`, abort or error) calls `onUsage` exactly
 * once with the provider's usage (request it with `withStreamUsage`) or an estimate. Throws
 * `ChatPromptRequestError` at once for a request without `messages` (a legacy completions
 * stream), which it could only estimate as zero.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming
 */
export function meterChatStream<Chunk extends ChatCompletionChunkLike>(
  stream: AsyncIterable<Chunk>,
  options: MeterChatStreamOptions,
): AsyncIterableIterator<Chunk> {
  const { request, onUsage, onUsageError, signal, ...meterOptions } = options;
  requireChatMessages({ request, caller: 'meterChatStream' });
  return createMeteredIterable<Chunk>({
    stream,
    meter: new ChatStreamMeter({ request, options: meterOptions }),
    callbacks: { onUsage, onUsageError, signal },
  });
}
