import { convertTime, type UsageEventEnvelopeOptions } from '../../../events/create-usage-event.js';
import type { UsageEvent } from '../../../events/usage-event.js';
import { UsageEventError } from '../../../events/usage-event-error.js';
import { estimateAnthropicMessageTokens } from '../count/estimate-anthropic-message-tokens.js';
import type { AnthropicMessageLike, AnthropicMessagesRequest } from './anthropic-message-types.js';
import { convertAnthropicUsage } from './convert-anthropic-usage.js';
import { createMessagesUsageEvent } from './create-messages-usage-event.js';

/**
 * Options of {@link createAnthropicUsageEvent}: the envelope (subject, source, type, dimensions,
 * `id` override, provider), the clock (a message carries no time) and the request (its `model`
 * becomes `requested_model`; without usage it makes an estimate).
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md
 */
export interface CreateAnthropicUsageEventOptions extends UsageEventEnvelopeOptions {
  /**
   * The event's time, read once: a Messages response carries none. Required, e.g.
   * `() => new Date()`.
   */
  now?: (() => Date) | undefined;
  /**
   * The request body that produced the message: its `model` becomes `requested_model`, and when
   * the message has no usage the event is an estimate from it (`usage_source: "estimated"`,
   * `estimate_reason: "no_usage"`).
   */
  request?: AnthropicMessagesRequest | undefined;
}

/**
 * Maps an Anthropic Messages response (`POST /v1/messages`) to one usage CloudEvent whose `id`
 * is the message id (`msg_…`; `options.id` overrides it), so a retry or replay produces the same
 * event: every input token billed in `prompt_tokens` (uncached, cache reads and cache writes),
 * every output token in `completion_tokens` (thinking included), compaction and advisor passes
 * on top. Throws {@link UsageEventError} naming Anthropic's field for malformed usage; a message
 * without usage becomes an estimate when `options.request` is given.
 * @see https://docs.anthropic.com/en/api/messages
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md
 */
export function createAnthropicUsageEvent(
  message: AnthropicMessageLike,
  options: CreateAnthropicUsageEventOptions,
): UsageEvent {
  if (typeof message !== 'object' || message === null) {
    throw new UsageEventError({ field: 'message', message: 'must be an object' });
  }
  const safeOptions: CreateAnthropicUsageEventOptions = options ?? { subject: '' };
  const type = message.type;
  if (type !== undefined && type !== null && type !== 'message') {
    throw new UsageEventError({
      field: 'type',
      message: `expected "message", got ${JSON.stringify(type)}${
        typeof type === 'string' &&
        (type.startsWith('message_') || type.startsWith('content_block'))
          ? ': a stream event is one piece of a stream, meter the stream with meterAnthropicStream'
          : ''
      }`,
    });
  }
  if (!safeOptions.now) {
    throw new UsageEventError({
      field: 'options.now',
      message: 'Anthropic messages carry no time: pass options.now, e.g. () => new Date()',
    });
  }
  const time = convertTime({ value: safeOptions.now(), field: 'options.now' });
  const { request } = safeOptions;
  if (message.usage !== undefined && message.usage !== null) {
    return createMessagesUsageEvent({
      id: message.id,
      time,
      model: message.model,
      request,
      usage: message.usage,
      tokens: convertAnthropicUsage({ usage: message.usage }),
      options: safeOptions,
    });
  }
  if (!request) {
    throw new UsageEventError({
      field: 'usage',
      message:
        'the message carries no usage: pass options.request to record an estimate (usage_source "estimated")',
    });
  }
  const estimate = estimateAnthropicMessageTokens({ request, content: message.content });
  return createMessagesUsageEvent({
    id: message.id,
    time,
    model: message.model,
    request,
    usage: undefined,
    tokens: estimate.tokens,
    estimateReason: 'no_usage',
    thinkingUnknown: estimate.thinkingUnknown,
    options: safeOptions,
  });
}
