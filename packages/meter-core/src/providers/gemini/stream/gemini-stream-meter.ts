import type { UsageEventEnvelopeOptions } from '../../../events/create-usage-event.js';
import type { EstimateReason, UsageEvent } from '../../../events/usage-event.js';
import { UsageEventError } from '../../../events/usage-event-error.js';
import { resolveStreamIdentity } from '../../../stream/resolve-stream-identity.js';
import { safeConvertUsage } from '../../../stream/safe-convert-usage.js';
import type { StreamEndReason } from '../../../stream/stream-meter-options.js';
import type { UsageRecord } from '../../../usage/usage-record.js';
import {
  estimateGeminiOutputTokens,
  estimateGeminiPromptTokens,
} from '../count/estimate-gemini-tokens.js';
import { convertGeminiUsage } from '../events/convert-gemini-usage.js';
import {
  createGeminiEvent,
  readGeminiModelName,
  resolveGeminiTime,
} from '../events/create-gemini-event.js';
import type {
  GeminiPromptRequest,
  GeminiUsageMetadata,
  GenerateContentResponseLike,
} from '../events/gemini-response-types.js';
import { addGeminiOutputParts, type GeminiOutput } from '../events/list-gemini-output.js';

/**
 * Options of {@link GeminiStreamMeter}: the event envelope, the model the request URL named,
 * and what to use when no chunk tells (a fallback id; a clock, since only Vertex AI's chunks
 * carry `createTime`).
 * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 */
export interface GeminiStreamMeterOptions extends UsageEventEnvelopeOptions {
  /** Event id used only when no chunk carried a `responseId`. `id` overrides; this falls back. */
  fallbackId?: string | undefined;
  /** Clock read when no chunk carried a `createTime` (Generative Language API streams). */
  now?: (() => Date) | undefined;
  /**
   * The model in the request URL (`models/{model}:streamGenerateContent`): `requested_model`,
   * and the model of a stream that fails before its first chunk. Required unless the request
   * names it (`request.model`, as the `@google/genai` SDK's parameters do).
   */
  requestedModel?: string | undefined;
}

/**
 * Push-based usage meter for one `:streamGenerateContent` stream (SSE with `alt=sse`, or the
 * elements of its JSON-array body; `GeminiChunkDecoder` reads either), with no I/O: `push` every
 * chunk, then `finish` once for the one usage event. Every chunk carries cumulative
 * `usageMetadata`, but only the last one's is final (earlier ones may miss or miscount the
 * prompt): a stream that ended with its finishing chunk is billed with that chunk's usage. A
 * stream that ends badly is estimated: the last seen counts are a floor, and visible output
 * since them is estimated (`usage_source: "estimated"`).
 * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 */
export class GeminiStreamMeter {
  readonly #request: GeminiPromptRequest;
  readonly #options: GeminiStreamMeterOptions;
  readonly #requestedModel: string | undefined;
  readonly #output: GeminiOutput = { texts: [], functionCalls: [] };
  #tail: GeminiOutput = { texts: [], functionCalls: [] };
  #id: string | undefined;
  #createTime: string | undefined;
  #model: string | undefined;
  #usage: GeminiUsageMetadata | undefined;
  #lastChunkFinished = false;
  #lastChunkHadUsage = false;
  #chunkCount = 0;

  constructor({
    request,
    options,
  }: {
    request: GeminiPromptRequest;
    options: GeminiStreamMeterOptions;
  }) {
    this.#request = request;
    this.#options = options;
    this.#requestedModel =
      readGeminiModelName(options?.requestedModel) ?? readGeminiModelName(request?.model);
    if (this.#requestedModel === undefined) {
      // A stream that fails before its first chunk still needs a model to be billed.
      throw new UsageEventError({
        field: 'options.requestedModel',
        message:
          'is missing: pass the model of the request URL (models/{model}:streamGenerateContent), or request.model',
      });
    }
  }

  /** Number of chunks pushed so far. */
  get chunkCount(): number {
    return this.#chunkCount;
  }

  /** Whether the last chunk pushed finished the stream with its usage (the final numbers). */
  get hasProviderUsage(): boolean {
    return this.#lastChunkFinished && this.#lastChunkHadUsage;
  }

  /** Records one chunk; never throws, whatever the chunk looks like. */
  push(chunk: GenerateContentResponseLike): void {
    this.#chunkCount += 1;
    this.#lastChunkFinished = false;
    this.#lastChunkHadUsage = false;
    if (typeof chunk !== 'object' || chunk === null) return;
    if (this.#id === undefined && typeof chunk.responseId === 'string' && chunk.responseId) {
      this.#id = chunk.responseId;
    }
    if (this.#createTime === undefined && typeof chunk.createTime === 'string') {
      this.#createTime = chunk.createTime || undefined;
    }
    const model = readGeminiModelName(chunk.modelVersion);
    if (model !== undefined) this.#model = model;
    if (Array.isArray(chunk.candidates)) {
      for (const candidate of chunk.candidates) {
        addGeminiOutputParts({ output: this.#output, parts: candidate?.content?.parts });
        addGeminiOutputParts({ output: this.#tail, parts: candidate?.content?.parts });
        if (candidate?.finishReason) this.#lastChunkFinished = true;
      }
    }
    const usage = chunk.usageMetadata;
    if (usage && typeof usage === 'object' && !Array.isArray(usage)) {
      // Cumulative: this chunk's counts already include its own output.
      this.#usage = usage;
      this.#lastChunkHadUsage = true;
      this.#tail = { texts: [], functionCalls: [] };
    }
  }

  /**
   * Builds the usage event: the last chunk's usage when the stream completed with its finishing
   * chunk, else an estimate whose reason follows from `reason`. Throws `UsageEventError` when no
   * id or time is known.
   */
  finish({ reason }: { reason: StreamEndReason }): UsageEvent {
    const { id, time } = resolveStreamIdentity({
      id: this.#id,
      time:
        this.#createTime === undefined
          ? undefined
          : resolveGeminiTime({ createTime: this.#createTime, now: undefined }),
      options: this.#options,
    });
    let tokens: UsageRecord | undefined;
    let estimateReason: EstimateReason | undefined;
    const usage = this.#usage;
    if (reason === 'completed' && this.hasProviderUsage && usage) {
      const provided = safeConvertUsage(() => convertGeminiUsage({ usage }));
      if (provided.success) tokens = provided.value;
      // A malformed final usage must not cost the stream its one event.
      else estimateReason = 'invalid_usage';
    } else if (reason !== 'completed') {
      estimateReason = reason;
    } else {
      estimateReason = this.#lastChunkFinished ? 'no_usage_chunk' : 'aborted';
    }
    return createGeminiEvent({
      providerId: id,
      time,
      model: this.#model,
      requestedModel: this.#requestedModel,
      usage,
      endpoint: 'generateContent',
      tokens: tokens ?? this.#estimate(),
      estimateReason,
      options: this.#options,
    });
  }

  /** The last seen counts as a floor, raised by the output seen since and by all text seen. */
  #estimate(): UsageRecord {
    const usage = this.#usage;
    const floor = usage
      ? safeConvertUsage(() =>
          // Only the parts make the floor: a total that does not add up is not one of them.
          convertGeminiUsage({
            usage: { ...usage, totalTokenCount: undefined },
            promptOptional: true,
            totalOptional: true,
          }),
        )
      : undefined;
    const seen = floor?.success ? floor.value : undefined;
    const candidatesFloor = (seen?.completion_tokens ?? 0) - (seen?.reasoning_tokens ?? 0);
    const candidates = Math.max(
      candidatesFloor + estimateGeminiOutputTokens(this.#tail),
      estimateGeminiOutputTokens(this.#output),
    );
    // Early chunks may leave the prompt out: then the request's estimate stands in.
    const promptCount =
      typeof usage?.promptTokenCount === 'number' && seen ? seen.prompt_tokens : 0;
    const prompt =
      promptCount > 0 ? promptCount : estimateGeminiPromptTokens({ request: this.#request }).tokens;
    const reasoning = seen?.reasoning_tokens ?? 0;
    const record: UsageRecord = {
      prompt_tokens: prompt,
      completion_tokens: candidates + reasoning,
      total_tokens: prompt + candidates + reasoning,
      cached_tokens: Math.min(seen?.cached_tokens ?? 0, prompt),
      cache_write_tokens: 0,
      cache_write_1h_tokens: 0,
      reasoning_tokens: reasoning,
    };
    if (seen?.tool_use_prompt_tokens !== undefined && promptCount > 0) {
      record.tool_use_prompt_tokens = seen.tool_use_prompt_tokens;
    }
    return record;
  }
}
