import {
  createUsageEvent,
  type UsageEventEnvelopeOptions,
} from '../../../events/create-usage-event.js';
import type { EstimateReason, UsageEvent } from '../../../events/usage-event.js';
import type { UsageRecord } from '../../../usage/usage-record.js';
import type { AnthropicMessagesRequest, AnthropicUsage } from './anthropic-message-types.js';
import { readAdvisorModel } from './convert-anthropic-usage.js';

/** The provider id Anthropic's events carry unless the caller names another. */
export const anthropicProviderId = 'anthropic';

/**
 * `createUsageEvent` for Anthropic Messages: provider `anthropic`, endpoint `messages`, the
 * `service_tier` and `inference_geo` the usage reports, the advisor's model when advisor passes
 * were billed, and estimates of thinking requests flagged `reasoning_tokens_unknown`.
 */
export function createMessagesUsageEvent({
  id,
  time,
  model,
  request,
  usage,
  tokens,
  estimateReason,
  thinkingUnknown = false,
  options,
}: {
  id: unknown;
  time: string;
  model: unknown;
  request: AnthropicMessagesRequest | undefined;
  /** Anthropic's usage as reported (merged, for streams), for the tier, geo and advisor model. */
  usage: AnthropicUsage | null | undefined;
  tokens: UsageRecord;
  estimateReason?: EstimateReason | undefined;
  /** The answer had thinking whose billed size the estimate cannot see. */
  thinkingUnknown?: boolean | undefined;
  options: UsageEventEnvelopeOptions;
}): UsageEvent {
  const thinkingType = request?.thinking?.type;
  const event = createUsageEvent({
    providerId: id,
    time,
    model,
    requestedModel: request?.model,
    serviceTier: usage?.service_tier,
    endpoint: 'messages',
    tokens,
    estimateReason,
    provider: anthropicProviderId,
    reasoningHidden: thinkingUnknown || thinkingType === 'enabled' || thinkingType === 'adaptive',
    options,
  });
  const geo = usage?.inference_geo;
  const advisorModel =
    tokens.advisor_output_tokens === undefined ? undefined : readAdvisorModel(usage);
  return {
    ...event,
    data: {
      ...event.data,
      ...(typeof geo === 'string' && geo ? { inference_geo: geo } : {}),
      ...(advisorModel === undefined ? {} : { advisor_model: advisorModel }),
    },
  };
}
