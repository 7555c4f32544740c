import {
  type AnthropicMessageLike,
  type AnthropicMessagesRequest,
  createAnthropicUsageEvent,
  type StreamMeterOptions,
} from '@llm-meter/meter-core';
import { AnthropicStreamMeter } from '@llm-meter/meter-core/push';
import type { UsageOutbox } from '@llm-meter/meter-outbox';
import {
  anthropicEventReader,
  createCallJournal,
  createStreamJournal,
  type StreamChunkReader,
} from '@llm-meter/metering';
import type { SdkCallPlan } from '@llm-meter/metering/sdk';

/**
 * Anthropic's part of metering one `messages.create` call (see `meterSdkCall` of
 * `@llm-meter/metering/sdk`): a stream is journaled event by event with `AnthropicStreamMeter`
 * (named by `message_start`'s `msg_…` id; estimated from `message_start`'s input and the text
 * streamed when it ends without its last `message_delta`), a blocking call with the same meter's
 * prompt estimate; the answer's event is `createAnthropicUsageEvent`'s. Nothing is added to the
 * request and nothing is kept from the caller: Anthropic streams always carry their usage.
 * @see https://docs.anthropic.com/en/api/messages
 */
export function planAnthropicCall({
  body,
  envelope,
  outbox,
  onJournalError,
}: {
  body: Record<string, unknown>;
  envelope: StreamMeterOptions;
  outbox: UsageOutbox;
  onJournalError: (error: unknown) => void;
}): SdkCallPlan {
  const request = body as AnthropicMessagesRequest;
  const streaming = body?.stream === true;
  const journal = streaming
    ? createStreamJournal<unknown>({
        meter: new AnthropicStreamMeter({ request, options: envelope }),
        reader: anthropicEventReader as StreamChunkReader<unknown>,
        outbox,
        encoding: envelope.encoding,
        fallbackId: envelope.fallbackId,
        onJournalError,
      })
    : createCallJournal({
        promptMeter: (options) => new AnthropicStreamMeter({ request, options }),
        request: body,
        outbox,
        options: envelope,
        onJournalError,
      });
  return {
    streaming,
    endpoint: 'messages',
    journal,
    sentBody: body,
    eventOf: (message) =>
      createAnthropicUsageEvent(message as AnthropicMessageLike, { ...envelope, request }),
  };
}
