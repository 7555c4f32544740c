import type { StreamMeterOptions, UsageEvent } from '@llm-meter/meter-core';
import type { UsageOutbox } from '@llm-meter/meter-outbox';

/**
 * What the final event's callback learns besides the event: the provider's response id, when a
 * chunk carried one (with `eventId` set, the event id is not the response id), which settlement
 * needs to fetch the exact usage.
 * @see https://platform.openai.com/docs/api-reference/responses/get
 */
export interface StreamUsageDetails {
  responseId: string | undefined;
}

/**
 * Options shared by {@link meterChatStreamIntoOutbox} and {@link meterResponsesStreamIntoOutbox}.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming
 */
export interface MeterStreamIntoOutboxOptions<Chunk> {
  /** The stream the openai SDK returned (`stream: true`). */
  stream: AsyncIterable<Chunk>;
  outbox: UsageOutbox;
  /** Envelope (subject, source, type, dimensions, `id` override), `fallbackId`, clock and encoding. */
  options: StreamMeterOptions;
  /** The signal passed to the openai SDK: when it fired, the end counts as `aborted`. */
  signal?: AbortSignal | undefined;
  /** Sees the final event after it is journaled (e.g. to print it or to settle it). */
  onUsage?: ((event: UsageEvent, details: StreamUsageDetails) => void) | undefined;
  /** Receives a journaling failure mid-stream (outbox full or closed); the stream goes on. */
  onJournalError?: ((error: unknown) => void) | undefined;
  /** Receives a failure to build or journal the final event; without it the consumer gets it. */
  onUsageError?: ((error: unknown) => void) | undefined;
  /** Makes the provisional id of the prompt estimate; default `crypto.randomUUID`. */
  generateId?: (() => string) | undefined;
}
