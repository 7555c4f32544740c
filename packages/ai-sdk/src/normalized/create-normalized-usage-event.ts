import type {
  EstimateReason,
  StreamMeterOptions,
  UsageEndpoint,
  UsageEvent,
  UsageRecord,
} from '@llm-meter/meter-core';
import { checkUsageRecord, convertTime, createUsageEvent } from '@llm-meter/meter-core/internal';
import type { NormalizedUsageLike } from '../ai-sdk-types.js';

/**
 * The usage event of a provider meter-core has no mapping of, from the AI SDK's normalized
 * usage: input (cache reads and writes included), output (reasoning included), cache reads,
 * cache writes and reasoning where the provider reported them. The event carries
 * `usage_normalized: true`, because what the SDK's normalization drops (cache lifetimes, tiers,
 * server tool calls) cannot be billed from it. Returns `undefined` when the SDK reported no
 * input or output count, so that the caller estimates instead of billing a silent zero.
 * @see https://ai-sdk.dev/docs/reference/ai-sdk-core/generate-text#usage
 */
export function createNormalizedUsageEvent({
  usage,
  responseId,
  time,
  model,
  requestedModel,
  provider,
  endpoint,
  options,
}: {
  usage: NormalizedUsageLike | null | undefined;
  responseId: string | undefined;
  time: Date | undefined;
  model: string | undefined;
  requestedModel: string;
  /** The AI SDK provider's name (`mistral.chat` → `mistral`). */
  provider: string;
  endpoint: UsageEndpoint;
  options: StreamMeterOptions;
}): UsageEvent | undefined {
  const input = usage?.inputTokens?.total;
  const output = usage?.outputTokens?.total;
  if (typeof input !== 'number' || (endpoint !== 'embeddings' && typeof output !== 'number')) {
    return undefined;
  }
  const completion = typeof output === 'number' ? output : 0;
  const cacheWrite = usage?.inputTokens?.cacheWrite;
  const tokens: UsageRecord = checkUsageRecord({
    usage: {
      prompt_tokens: input,
      completion_tokens: completion,
      total_tokens: input + completion,
      cached_tokens: usage?.inputTokens?.cacheRead ?? 0,
      reasoning_tokens: usage?.outputTokens?.reasoning ?? 0,
      cache_write_tokens: typeof cacheWrite === 'number' ? cacheWrite : 0,
      // The normalized usage does not split writes by lifetime: all at the cache-write rate.
      cache_write_1h_tokens: 0,
    },
    fields: {
      prompt_tokens: 'usage.inputTokens.total',
      completion_tokens: 'usage.outputTokens.total',
      cached_tokens: 'usage.inputTokens.cacheRead',
      cache_write_tokens: 'usage.inputTokens.cacheWrite',
      reasoning_tokens: 'usage.outputTokens.reasoning',
    },
  });
  return createNormalizedEvent({
    tokens,
    responseId,
    time,
    model,
    requestedModel,
    provider,
    endpoint,
    options,
    estimateReason: undefined,
  });
}

/** Builds the event of normalized or estimated tokens, flagged `usage_normalized`. */
export function createNormalizedEvent({
  tokens,
  responseId,
  time,
  model,
  requestedModel,
  provider,
  endpoint,
  options,
  estimateReason,
}: {
  tokens: UsageRecord;
  responseId: string | undefined;
  time: Date | undefined;
  model: string | undefined;
  requestedModel: string;
  provider: string;
  endpoint: UsageEndpoint;
  options: StreamMeterOptions;
  estimateReason: EstimateReason | undefined;
}): UsageEvent {
  const now = options.now ?? (() => new Date());
  const event = createUsageEvent({
    providerId: responseId ?? options.fallbackId,
    time: convertTime({ value: time ?? now(), field: 'response.timestamp' }),
    model: model ?? requestedModel,
    requestedModel,
    endpoint,
    tokens,
    estimateReason,
    provider: provider.split('.')[0] || provider,
    options,
  });
  return { ...event, data: { ...event.data, usage_normalized: true } };
}
