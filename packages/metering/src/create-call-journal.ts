import { randomUUID } from 'node:crypto';
import {
  type ChatPromptRequest,
  type StreamMeterOptions,
  toUsageEvent,
  type UsageEndpoint,
} from '@llm-meter/meter-core';
import { ChatStreamMeter, ResponsesStreamMeter } from '@llm-meter/meter-core/push';
import type { UsageOutbox, UsageStreamHandle } from '@llm-meter/meter-outbox';
import {
  createStreamJournal,
  type JournaledStreamMeter,
  type StreamChunkReader,
  type StreamJournal,
} from './create-stream-journal.js';

/**
 * A blocking call's journal (see {@link createCallJournal}): `start` (or `startPending`, which
 * journals the body as sent and leaves the count for later) before the request is sent,
 * `setFallbackId` when upstream's headers name the request, then exactly one of `complete` (the
 * answer's event), `finish` + `complete` (no answer: the prompt estimate) or `abandon` (upstream
 * refused the call).
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export type CallJournal = Pick<
  StreamJournal<never>,
  'start' | 'startPending' | 'setFallbackId' | 'finish' | 'complete' | 'abandon'
>;

// A blocking call has no chunks: the journal only ever holds its prompt estimate.
const noChunks: StreamChunkReader<never> = {
  streamIdOf: () => undefined,
  generatedTextOf: () => '',
  carriesUsage: () => false,
};

/**
 * Journals a blocking call (chat completion, Responses, embeddings) in the outbox before it is
 * sent, with the machinery of the stream journal: the prompt estimate is journaled under
 * `options.fallbackId` (or a UUID), re-keyed by `setFallbackId` to upstream's request id when
 * the answer's headers arrive. If the process dies before the answer is metered, the outbox's
 * next start delivers that record as a `crashed` estimate of the prompt (the output is unknown).
 * The answer's event replaces it (`complete`); a call upstream refused drops it (`abandon`).
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export function createCallJournal({
  endpoint,
  promptMeter,
  request,
  outbox,
  options,
  generateId = randomUUID,
  pending,
  onJournalError = () => undefined,
}: {
  /** OpenAI's endpoint of the call, whose meter estimates the prompt (unless `promptMeter`). */
  endpoint?: UsageEndpoint | undefined;
  /**
   * Another provider's meter, made with the same `options`, whose event with nothing pushed is
   * the prompt estimate (Anthropic's `AnthropicStreamMeter`, Gemini's `GeminiStreamMeter`).
   */
  promptMeter?: ((options: StreamMeterOptions) => JournaledStreamMeter<never>) | undefined;
  /** The request body about to be sent: its prompt is the estimate. */
  request: Record<string, unknown>;
  outbox: UsageOutbox;
  /** Envelope (subject, source, type, dimensions, `id` override), `fallbackId`, clock, encoding. */
  options: StreamMeterOptions;
  /** Makes the provisional id when `options.fallbackId` is unset; default `crypto.randomUUID`. */
  generateId?: (() => string) | undefined;
  /** The call's pending record (`openPendingCall`), which `start` replaces in place. */
  pending?: UsageStreamHandle | undefined;
  /** Receives a journaling failure (outbox full or closed); the call goes on. */
  onJournalError?: ((error: unknown) => void) | undefined;
}): CallJournal {
  const fallbackId = options.fallbackId ?? generateId();
  const meterOptions: StreamMeterOptions = {
    ...options,
    fallbackId,
    now: options.now ?? (() => new Date()),
  };
  return createStreamJournal<never>({
    meter: promptMeter
      ? promptMeter(meterOptions)
      : createPromptMeter({ endpoint, request, options: meterOptions }),
    reader: noChunks,
    outbox,
    encoding: options.encoding,
    // An `id` override names every event: there is no fallback to improve on.
    fallbackId: options.id === undefined ? fallbackId : undefined,
    pending,
    onJournalError,
  });
}

/** The meter whose estimate, with no chunk pushed, is the request's prompt. */
function createPromptMeter({
  endpoint,
  request,
  options,
}: {
  endpoint: UsageEndpoint | undefined;
  request: Record<string, unknown>;
  options: StreamMeterOptions;
}): JournaledStreamMeter<never> {
  if (endpoint === undefined)
    throw new TypeError('createCallJournal: pass the endpoint (OpenAI) or a promptMeter');
  if (endpoint === 'chat.completions')
    return new ChatStreamMeter({ request: request as unknown as ChatPromptRequest, options });
  if (endpoint === 'responses') return new ResponsesStreamMeter({ request, options });
  return {
    push: () => undefined,
    finish({ reason }) {
      // An embeddings answer without usage is estimated from its request: the input tokens.
      const event = toUsageEvent(
        { object: 'list', data: [], model: request.model as string | undefined },
        { ...options, request },
      );
      return {
        ...event,
        data: { ...event.data, estimate_reason: reason === 'completed' ? 'no_usage' : reason },
      };
    },
  };
}
