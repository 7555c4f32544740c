import {
  createMeteredIterable,
  type MeteredStreamCallbacks,
} from '../../../stream/create-metered-iterable.js';
import type { StreamMeterOptions } from '../../../stream/stream-meter-options.js';
import type { AnthropicMessagesRequest } from '../events/anthropic-message-types.js';
import { type AnthropicStreamEventLike, AnthropicStreamMeter } from './anthropic-stream-meter.js';

/**
 * Options of {@link meterAnthropicStream}: the request body (for estimates), the event envelope,
 * the clock (`now`, required: a message carries no time) and fallbacks, and the callbacks.
 * @see https://docs.anthropic.com/en/api/messages-streaming
 */
export interface MeterAnthropicStreamOptions extends StreamMeterOptions, MeteredStreamCallbacks {
  /** The body passed to `messages.create` (or `messages.stream`). */
  request: AnthropicMessagesRequest;
}

/**
 * Wraps the stream of events the `@anthropic-ai/sdk` returns for `messages.create({ stream:
 * true })`: yields every event unchanged and at once, and when the stream ends (completed,
 * `break`, abort or error) calls `onUsage` exactly once with Anthropic's usage or an estimate.
 * @see https://docs.anthropic.com/en/api/messages-streaming
 */
export function meterAnthropicStream<Event extends AnthropicStreamEventLike>(
  stream: AsyncIterable<Event>,
  options: MeterAnthropicStreamOptions,
): AsyncIterableIterator<Event> {
  const { request, onUsage, onUsageError, signal, ...meterOptions } = options;
  return createMeteredIterable<Event>({
    stream,
    meter: new AnthropicStreamMeter({ request, options: meterOptions }),
    callbacks: { onUsage, onUsageError, signal },
  });
}
