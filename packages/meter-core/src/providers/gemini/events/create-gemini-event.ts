import {
  convertTime,
  createUsageEvent,
  type UsageEventEnvelopeOptions,
} from '../../../events/create-usage-event.js';
import type { EstimateReason, UsageEndpoint, UsageEvent } from '../../../events/usage-event.js';
import { UsageEventError } from '../../../events/usage-event-error.js';
import type { UsageRecord } from '../../../usage/usage-record.js';
import type { GenerateContentResponseLike } from './gemini-response-types.js';
import { readGeminiTrafficType } from './read-gemini-enum.js';

/**
 * The provider id Gemini's events carry (Generative Language API and Vertex AI alike), as
 * OpenMeter's LLM cost database and genai-prices name Google.
 */
export const geminiProviderId = 'google';

/** Drops the resource prefix of a model name (`models/`, `publishers/google/models/`). */
export function readGeminiModelName(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const prefix = value.lastIndexOf('models/');
  const name = prefix === -1 ? value : value.slice(prefix + 'models/'.length);
  return name.trim() === '' ? undefined : name;
}

/**
 * Whether a Gemini model thinks in tokens no response shows (2.5 and later): its estimates are
 * then flagged `reasoning_tokens_unknown`.
 * @see https://ai.google.dev/gemini-api/docs/thinking
 */
export function isGeminiThinkingModel(model: string): boolean {
  return !/embedding|^gemini-(1\.|2\.0)|^gemma/.test(model);
}

/** The parts of `createUsageEvent`'s input Gemini's events share. */
export interface GeminiEventInput {
  providerId: unknown;
  time: string;
  model: string | undefined;
  requestedModel: string | undefined;
  usage: GenerateContentResponseLike['usageMetadata'];
  endpoint: UsageEndpoint;
  tokens: UsageRecord;
  estimateReason: EstimateReason | undefined;
  options: UsageEventEnvelopeOptions;
}

/**
 * `createUsageEvent` for Gemini: provider `google` unless `options.provider` names another,
 * `service_tier` and `traffic_type` from the usage, estimates of thinking models flagged
 * `reasoning_tokens_unknown`.
 */
export function createGeminiEvent(input: GeminiEventInput): UsageEvent {
  const model = input.model ?? input.requestedModel;
  if (model === undefined) {
    throw new UsageEventError({
      field: 'modelVersion',
      message: 'is missing: pass options.requestedModel, the model in the request URL',
    });
  }
  if (!input.providerId && input.options.id === undefined) {
    throw new UsageEventError({
      field: 'responseId',
      message: 'is missing: pass options.fallbackId (e.g. your request id) or options.id',
    });
  }
  const serviceTier = input.usage?.serviceTier;
  return createUsageEvent({
    providerId: input.providerId,
    time: input.time,
    model,
    requestedModel: input.requestedModel,
    serviceTier: typeof serviceTier === 'string' ? serviceTier : undefined,
    trafficType: readGeminiTrafficType(input.usage?.trafficType),
    endpoint: input.endpoint,
    tokens: input.tokens,
    estimateReason: input.estimateReason,
    provider: geminiProviderId,
    reasoningHidden: isGeminiThinkingModel(model),
    options: input.options,
  });
}

/**
 * Reads a response's time: Vertex AI's `createTime`, else `options.now()`. Throws
 * {@link UsageEventError} when neither is there.
 */
export function resolveGeminiTime({
  createTime,
  now,
}: {
  createTime: unknown;
  now: (() => Date) | undefined;
}): string {
  if (typeof createTime === 'string' && createTime) {
    return convertTime({ value: createTime, field: 'createTime' });
  }
  if (!now) {
    throw new UsageEventError({
      field: 'options.now',
      message:
        'the response carries no createTime (the Generative Language API sends none): pass options.now, e.g. () => new Date()',
    });
  }
  return convertTime({ value: now(), field: 'options.now' });
}
