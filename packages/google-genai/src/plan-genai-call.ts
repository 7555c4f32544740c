import {
  createGeminiUsageEvent,
  type GeminiPromptRequest,
  type GenerateContentResponseLike,
  type StreamMeterOptions,
  type UsageEvent,
} from '@llm-meter/meter-core';
import { GeminiStreamMeter } from '@llm-meter/meter-core/push';
import type { UsageOutbox } from '@llm-meter/meter-outbox';
import {
  type CallJournal,
  createCallJournal,
  createStreamJournal,
  geminiChunkReader,
  type StreamChunkReader,
  type StreamJournal,
} from '@llm-meter/metering';
import type { GenAIParams } from './take-genai-subject.js';

/** How one `@google/genai` call is metered: its journal and the event of a blocking answer. */
export interface GenAICallPlan {
  journal: StreamJournal<unknown> | CallJournal;
  /** The usage event of a blocking answer (throws when it cannot be read). */
  eventOf(response: unknown): UsageEvent;
}

/**
 * Gemini's part of metering one `generateContent` request of `@google/genai` (one HTTP call: a
 * chat turn, an automatic function call or a continuation hop is each its own): a stream is
 * journaled chunk by chunk with meter-core's `GeminiStreamMeter` (named by the chunks'
 * `responseId`; the last chunk's cumulative `usageMetadata`, or an estimate never below the last
 * counts seen), a blocking call with the same meter's prompt estimate before it is sent; the
 * answer's event is `createGeminiUsageEvent`'s, under its `responseId` (else the call's
 * provisional id, journaled before it was sent, so the call keeps one id from start to end).
 * @see https://ai.google.dev/api/generate-content
 */
export function planGenAICall({
  params,
  streaming,
  envelope,
  outbox,
  onJournalError,
}: {
  params: GenAIParams;
  streaming: boolean;
  envelope: StreamMeterOptions;
  outbox: UsageOutbox;
  onJournalError: (error: unknown) => void;
}): GenAICallPlan {
  const request = params as GeminiPromptRequest;
  const requestedModel = typeof params.model === 'string' ? params.model : undefined;
  const meterOptions = (options: StreamMeterOptions) => ({ ...options, requestedModel });
  const journal = streaming
    ? createStreamJournal<unknown>({
        meter: new GeminiStreamMeter({ request, options: meterOptions(envelope) }),
        reader: geminiChunkReader as StreamChunkReader<unknown>,
        outbox,
        encoding: envelope.encoding,
        fallbackId: envelope.fallbackId,
        onJournalError,
      })
    : createCallJournal({
        promptMeter: (options) =>
          new GeminiStreamMeter({ request, options: meterOptions(options) }),
        request: params,
        outbox,
        options: envelope,
        onJournalError,
      });
  return {
    journal,
    eventOf: (response) =>
      createGeminiUsageEvent(response as GenerateContentResponseLike, {
        ...meterOptions(envelope),
        request,
      }),
  };
}
