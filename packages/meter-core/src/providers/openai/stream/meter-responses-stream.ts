import {
  createMeteredIterable,
  type MeteredStreamCallbacks,
} from '../../../stream/create-metered-iterable.js';
import type { StreamMeterOptions } from '../../../stream/stream-meter-options.js';
import type { ResponsesPromptRequest } from '../events/convert-responses-request.js';
import { type ResponseStreamEventLike, ResponsesStreamMeter } from './responses-stream-meter.js';

/**
 * Options of {@link meterResponsesStream}: the request body (for estimates), the event envelope
 * and fallbacks, and the callbacks.
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */
export interface MeterResponsesStreamOptions extends StreamMeterOptions, MeteredStreamCallbacks {
  /** The body passed to `responses.create`. */
  request: ResponsesPromptRequest;
}

/**
 * Wraps the Responses API stream the openai SDK returns: yields every event unchanged and at
 * once, and when the stream ends calls `onUsage` exactly once with the usage of
 * `response.completed`/`incomplete`/`failed`, or an estimate.
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
export function meterResponsesStream<Event extends ResponseStreamEventLike>(
  stream: AsyncIterable<Event>,
  options: MeterResponsesStreamOptions,
): AsyncIterableIterator<Event> {
  const { request, onUsage, onUsageError, signal, ...meterOptions } = options;
  return createMeteredIterable<Event>({
    stream,
    meter: new ResponsesStreamMeter({ request, options: meterOptions }),
    callbacks: { onUsage, onUsageError, signal },
  });
}
