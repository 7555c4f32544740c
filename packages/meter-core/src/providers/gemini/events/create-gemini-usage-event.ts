import type { UsageEventEnvelopeOptions } from '../../../events/create-usage-event.js';
import type { UsageEvent } from '../../../events/usage-event.js';
import { UsageEventError } from '../../../events/usage-event-error.js';
import type { UsageRecord } from '../../../usage/usage-record.js';
import {
  estimateGeminiOutputTokens,
  estimateGeminiPromptTokens,
} from '../count/estimate-gemini-tokens.js';
import { convertGeminiUsage } from './convert-gemini-usage.js';
import {
  createGeminiEvent,
  readGeminiModelName,
  resolveGeminiTime,
} from './create-gemini-event.js';
import { estimateGeminiEmbedRequest } from './estimate-gemini-request.js';
import type {
  GeminiEmbedResponseLike,
  GeminiPromptRequest,
  GenerateContentResponseLike,
} from './gemini-response-types.js';
import { addGeminiOutputParts, type GeminiOutput } from './list-gemini-output.js';

/**
 * Options of {@link createGeminiUsageEvent}: the envelope (subject, source, type, dimensions,
 * `id` override, provider), what the response may lack (an id, a time, a model), and the
 * request (without usage it makes an estimate).
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md
 */
export interface GeminiUsageEventOptions extends UsageEventEnvelopeOptions {
  /**
   * Event id used only when the response carries no `responseId` (embeddings, some older
   * responses), e.g. your own request id. `id` overrides every id; this only falls back.
   */
  fallbackId?: string | undefined;
  /**
   * Clock read only when the response has no `createTime`: the Generative Language API's
   * responses have none (Vertex AI's do). E.g. `() => new Date()`.
   */
  now?: (() => Date) | undefined;
  /**
   * The model the request named, from the URL path (`models/{model}:generateContent`):
   * `requested_model`, and the model of responses that report none (embeddings). A
   * `models/` or `publishers/google/models/` prefix is dropped.
   */
  requestedModel?: string | undefined;
  /**
   * The request body: when the response has no usage the event is an estimate from it
   * (`usage_source: "estimated"`, `estimate_reason: "no_usage"`).
   */
  request?: GeminiPromptRequest | undefined;
}

function noUsageError(): UsageEventError {
  return new UsageEventError({
    field: 'usageMetadata',
    message:
      'the response carries no usageMetadata: pass options.request to record an estimate (usage_source "estimated")',
  });
}

function estimateTokens({
  prompt,
  completion,
}: {
  prompt: number;
  completion: number;
}): UsageRecord {
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    cached_tokens: 0,
    cache_write_tokens: 0,
    cache_write_1h_tokens: 0,
    reasoning_tokens: 0,
  };
}

function isEmbedResponse(response: object): response is GeminiEmbedResponseLike {
  return (
    !('candidates' in response) &&
    ('embedding' in response || Array.isArray((response as GeminiEmbedResponseLike).embeddings))
  );
}

/**
 * Maps a Gemini `:generateContent` response (Generative Language API or Vertex AI) or an
 * embeddings response to one usage CloudEvent: id = `responseId` (else `options.fallbackId`;
 * `options.id` overrides both), time = `createTime` (else `options.now()`), model =
 * `modelVersion`, input billed = `promptTokenCount` (cache reads included) +
 * `toolUsePromptTokenCount`, output billed = `candidatesTokenCount` + `thoughtsTokenCount`,
 * `service_tier` and `traffic_type` as reported. Throws {@link UsageEventError} naming Gemini's
 * field for malformed usage; a response without usage becomes an estimate when
 * `options.request` is given. A stream's chunks go to `GeminiStreamMeter` instead.
 * @see https://ai.google.dev/api/generate-content#UsageMetadata
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md
 */
export function createGeminiUsageEvent(
  response: GenerateContentResponseLike | GeminiEmbedResponseLike,
  options: GeminiUsageEventOptions,
): UsageEvent {
  if (typeof response !== 'object' || response === null || Array.isArray(response)) {
    throw new UsageEventError({
      field: 'response',
      message: Array.isArray(response)
        ? 'is a list: a :streamGenerateContent body without alt=sse is a stream, push its chunks to a GeminiStreamMeter'
        : 'must be an object',
    });
  }
  const safeOptions: GeminiUsageEventOptions = options ?? { subject: '' };
  const requestedModel =
    readGeminiModelName(safeOptions.requestedModel) ??
    readGeminiModelName(safeOptions.request?.model);
  const usage = response.usageMetadata;
  if (isEmbedResponse(response)) {
    const endpoint = Array.isArray(response.embeddings) ? 'batchEmbedContents' : 'embedContent';
    let tokens: UsageRecord;
    if (usage) {
      tokens = convertGeminiUsage({ usage, totalOptional: true });
    } else if (safeOptions.request) {
      tokens = estimateTokens({
        prompt: estimateGeminiEmbedRequest({ request: safeOptions.request }),
        completion: 0,
      });
    } else {
      throw noUsageError();
    }
    return createGeminiEvent({
      providerId: safeOptions.fallbackId,
      time: resolveGeminiTime({ createTime: undefined, now: safeOptions.now }),
      model: undefined,
      requestedModel,
      usage,
      endpoint,
      tokens,
      estimateReason: usage ? undefined : 'no_usage',
      options: safeOptions,
    });
  }
  const generate = response as GenerateContentResponseLike;
  let tokens: UsageRecord;
  if (usage) {
    tokens = convertGeminiUsage({ usage });
  } else if (safeOptions.request) {
    const output: GeminiOutput = { texts: [], functionCalls: [] };
    for (const candidate of generate.candidates ?? []) {
      addGeminiOutputParts({ output, parts: candidate?.content?.parts });
    }
    tokens = estimateTokens({
      prompt: estimateGeminiPromptTokens({ request: safeOptions.request }).tokens,
      completion: estimateGeminiOutputTokens(output),
    });
  } else {
    throw noUsageError();
  }
  return createGeminiEvent({
    providerId:
      typeof generate.responseId === 'string' && generate.responseId
        ? generate.responseId
        : safeOptions.fallbackId,
    time: resolveGeminiTime({ createTime: generate.createTime, now: safeOptions.now }),
    model: readGeminiModelName(generate.modelVersion),
    requestedModel,
    usage,
    endpoint: 'generateContent',
    tokens,
    estimateReason: usage ? undefined : 'no_usage',
    options: safeOptions,
  });
}
