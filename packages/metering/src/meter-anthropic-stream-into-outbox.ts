import type { AnthropicMessagesRequest } from '@llm-meter/meter-core';
import { type AnthropicStreamEventLike, AnthropicStreamMeter } from '@llm-meter/meter-core/push';
import { anthropicEventReader } from './anthropic-event-reader.js';
import { meterJournaledStream } from './meter-journaled-stream.js';
import type { MeterStreamIntoOutboxOptions } from './meter-stream-into-outbox-options.js';

/**
 * Meters an Anthropic Messages stream (`@anthropic-ai/sdk`'s `messages.create({ stream: true })`)
 * into the outbox, crash-safe, as {@link meterChatStreamIntoOutbox} does for OpenAI: the prompt
 * estimate is journaled before the first event, re-keyed to the message id (`msg_…`) when
 * `message_start` names it, and brought up to date on every event; the one final event
 * (Anthropic's usage from the last `message_delta`, or an estimate whose input side is
 * `message_start`'s) replaces it. A process killed mid-stream is billed from the last snapshot
 * as a `crashed` estimate on the outbox's next start. Events pass through unchanged and at once.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
export function meterAnthropicStreamIntoOutbox<Event extends AnthropicStreamEventLike>(
  input: MeterStreamIntoOutboxOptions<Event> & { request: AnthropicMessagesRequest },
): AsyncIterableIterator<Event> {
  const { request } = input;
  return meterJournaledStream<Event>({
    input,
    createMeter: (options) => new AnthropicStreamMeter({ request, options }),
    reader: anthropicEventReader,
  });
}
