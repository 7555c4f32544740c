import { type ChatPromptRequest, toUsageEvent, type UsageEndpoint } from '@llm-meter/meter-core';
import { requireChatMessages } from '@llm-meter/meter-core/internal';
import { ChatStreamMeter, ResponsesStreamMeter } from '@llm-meter/meter-core/push';
import {
  chatChunkReader,
  createCallJournal,
  createStreamJournal,
  responsesEventReader,
  type StreamChunkReader,
} from '@llm-meter/metering';
import type { SdkCallPlan } from '@llm-meter/metering/sdk';

type Body = Record<string, unknown>;

/**
 * OpenAI's part of metering one `create` call (see `meterSdkCall` of `@llm-meter/metering/sdk`):
 * a chat or Responses stream is journaled with its meter and chunk reader, a blocking call with
 * its prompt meter; a chat stream asks for `stream_options.include_usage`, and the usage chunk
 * is kept from a caller that did not ask; a blocking answer's event is `toUsageEvent`'s.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export function planOpenAICall({
  body,
  endpoint,
  envelope,
  outbox,
  onJournalError,
}: {
  body: Body;
  endpoint: Extract<UsageEndpoint, 'chat.completions' | 'responses' | 'embeddings'>;
  envelope: Parameters<typeof createCallJournal>[0]['options'];
  outbox: Parameters<typeof createCallJournal>[0]['outbox'];
  onJournalError: (error: unknown) => void;
}): SdkCallPlan {
  const streaming = body?.stream === true && endpoint !== 'embeddings';
  const chat = endpoint === 'chat.completions';
  if (streaming && chat) {
    // A legacy completions body could only be estimated as zero: refuse it before it is sent.
    requireChatMessages({ request: body as unknown as ChatPromptRequest, caller: 'meterOpenAI' });
  }
  const journal = streaming
    ? createStreamJournal<unknown>({
        meter: chat
          ? new ChatStreamMeter({
              request: body as unknown as ChatPromptRequest,
              options: envelope,
            })
          : new ResponsesStreamMeter({ request: body, options: envelope }),
        reader: (chat ? chatChunkReader : responsesEventReader) as StreamChunkReader<unknown>,
        outbox,
        encoding: envelope.encoding,
        fallbackId: envelope.fallbackId,
        onJournalError,
      })
    : createCallJournal({ endpoint, request: body, outbox, options: envelope, onJournalError });

  // The caller's usage chunk is asked for when it did not ask, and kept from it.
  const askedUsage =
    (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
  const addUsage = streaming && chat && !askedUsage;
  return {
    streaming,
    endpoint,
    journal,
    sentBody: addUsage
      ? { ...body, stream_options: { ...(body.stream_options as object), include_usage: true } }
      : body,
    isHidden: addUsage ? isUsageOnlyChunk : undefined,
    eventOf: (data) =>
      toUsageEvent(data as Parameters<typeof toUsageEvent>[0], { ...envelope, request: body }),
  };
}

/** The chunk `include_usage` adds at the end of a chat stream: no choices, only usage. */
function isUsageOnlyChunk(chunk: unknown): boolean {
  const { choices, usage } = (chunk ?? {}) as { choices?: unknown; usage?: unknown };
  return (
    Array.isArray(choices) && choices.length === 0 && typeof usage === 'object' && usage !== null
  );
}
