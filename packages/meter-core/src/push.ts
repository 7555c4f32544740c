// `@llm-meter/meter-core/push`: the push-based stream meters, for callers that drive a stream
// themselves (crash-safe journaling, proxies): `push` every chunk, `finish` once.

export type {
  PendingCallData,
  PendingCallEndpoint,
  PendingCallEvent,
} from './pending/create-pending-call-event.js';
export { createPendingCallEvent } from './pending/create-pending-call-event.js';
export { isPendingCallEvent, revivePendingCall } from './pending/revive-pending-call.js';
export type { AnthropicStreamEventLike } from './providers/anthropic/stream/anthropic-stream-meter.js';
export { AnthropicStreamMeter } from './providers/anthropic/stream/anthropic-stream-meter.js';
export type { GenerateContentResponseLike } from './providers/gemini/events/gemini-response-types.js';
export type { GeminiDecodedChunks } from './providers/gemini/stream/gemini-chunk-decoder.js';
export { GeminiChunkDecoder } from './providers/gemini/stream/gemini-chunk-decoder.js';
export type { GeminiStreamMeterOptions } from './providers/gemini/stream/gemini-stream-meter.js';
export { GeminiStreamMeter } from './providers/gemini/stream/gemini-stream-meter.js';
export type { ChatCompletionChunkLike } from './providers/openai/stream/chat-stream-meter.js';
export { ChatStreamMeter } from './providers/openai/stream/chat-stream-meter.js';
export type { ResponseStreamEventLike } from './providers/openai/stream/responses-stream-meter.js';
export { ResponsesStreamMeter } from './providers/openai/stream/responses-stream-meter.js';
export type {
  MeteredStreamCallbacks,
  PushStreamMeter,
} from './stream/create-metered-iterable.js';
export { createMeteredIterable } from './stream/create-metered-iterable.js';
export type { StreamEndReason, StreamMeterOptions } from './stream/stream-meter-options.js';
