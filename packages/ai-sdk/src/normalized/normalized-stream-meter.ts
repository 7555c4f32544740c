import {
  type ChatPromptRequest,
  countChatPromptTokens,
  countTokens,
  type StreamMeterOptions,
  type UsageEvent,
} from '@llm-meter/meter-core';
import type { StreamEndReason } from '@llm-meter/meter-core/push';
import type { JournaledStreamMeter, StreamChunkReader } from '@llm-meter/metering';
import type { NormalizedUsageLike, StreamPartLike } from '../ai-sdk-types.js';
import {
  createNormalizedEvent,
  createNormalizedUsageEvent,
} from './create-normalized-usage-event.js';

/**
 * Reads the AI SDK's own stream parts for the journal, for providers without an exact mapping:
 * `response-metadata` names the stream, text, reasoning and tool-input deltas are billed
 * output, and the `finish` part carries the SDK's normalized usage.
 * @see https://ai-sdk.dev/docs/ai-sdk-core/middleware
 */
export const normalizedPartReader: StreamChunkReader<StreamPartLike> = {
  streamIdOf: (part) =>
    part.type === 'response-metadata' && typeof part.id === 'string' && part.id !== ''
      ? part.id
      : undefined,
  generatedTextOf: (part) =>
    (part.type === 'text-delta' ||
      part.type === 'reasoning-delta' ||
      part.type === 'tool-input-delta') &&
    typeof part.delta === 'string'
      ? part.delta
      : '',
  carriesUsage: (part) => part.type === 'finish',
};

/**
 * The push stream meter of the AI SDK's stream parts, for providers meter-core has no mapping
 * of: the `finish` part's normalized usage (flagged `usage_normalized`), or, when the stream
 * ends without it, an estimate: the prompt counted as an OpenAI chat prompt and the streamed
 * text with the model's encoding (`o200k_base` for models the tokenizer does not know).
 * @see https://ai-sdk.dev/docs/reference/ai-sdk-core/stream-text
 */
export class NormalizedStreamMeter implements JournaledStreamMeter<StreamPartLike> {
  readonly #request: ChatPromptRequest;
  readonly #provider: string;
  readonly #options: StreamMeterOptions;
  #responseId: string | undefined;
  #model: string | undefined;
  #time: Date | undefined;
  #text = '';
  #usage: NormalizedUsageLike | undefined;

  constructor({
    request,
    provider,
    options,
  }: {
    /** The prompt as an OpenAI chat request, for the estimate. */
    request: ChatPromptRequest;
    /** The AI SDK provider's name (`mistral.chat`). */
    provider: string;
    options: StreamMeterOptions;
  }) {
    this.#request = request;
    this.#provider = provider;
    this.#options = options;
  }

  push(part: StreamPartLike): void {
    if (part.type === 'response-metadata') {
      if (typeof part.id === 'string' && part.id !== '') this.#responseId = part.id;
      if (typeof part.modelId === 'string' && part.modelId !== '') this.#model = part.modelId;
      if (part.timestamp instanceof Date) this.#time = part.timestamp;
    } else if (part.type === 'finish') {
      this.#usage = part.usage;
    } else {
      this.#text += normalizedPartReader.generatedTextOf(part);
    }
  }

  finish({ reason }: { reason: StreamEndReason }): UsageEvent {
    const requestedModel = this.#request.model as string;
    const common = {
      responseId: this.#responseId,
      time: this.#time,
      model: this.#model,
      requestedModel,
      provider: this.#provider,
      endpoint: 'chat.completions' as const,
      options: this.#options,
    };
    const exact = createNormalizedUsageEvent({ usage: this.#usage, ...common });
    if (exact !== undefined) return exact;
    const encoding = this.#options.encoding ?? 'o200k_base';
    const prompt = countChatPromptTokens(this.#request, { encoding }).tokens;
    const completion = countTokens({ text: this.#text, model: requestedModel, encoding });
    return createNormalizedEvent({
      ...common,
      tokens: {
        prompt_tokens: prompt,
        completion_tokens: completion,
        total_tokens: prompt + completion,
        cached_tokens: 0,
        cache_write_tokens: 0,
        cache_write_1h_tokens: 0,
        reasoning_tokens: 0,
      },
      estimateReason: reason === 'completed' ? 'no_usage_chunk' : reason,
    });
  }
}
