import type { UsageEvent } from '../events/usage-event.js';
import type { AnthropicMessagesRequest } from '../providers/anthropic/events/anthropic-message-types.js';
import { AnthropicStreamMeter } from '../providers/anthropic/stream/anthropic-stream-meter.js';
import type { GeminiPromptRequest } from '../providers/gemini/events/gemini-response-types.js';
import { GeminiStreamMeter } from '../providers/gemini/stream/gemini-stream-meter.js';
import type { ChatPromptRequest } from '../providers/openai/count/count-chat-prompt-tokens.js';
import { toUsageEvent } from '../providers/openai/events/to-usage-event.js';
import { ChatStreamMeter } from '../providers/openai/stream/chat-stream-meter.js';
import { ResponsesStreamMeter } from '../providers/openai/stream/responses-stream-meter.js';
import type { StreamMeterOptions } from '../stream/stream-meter-options.js';
import type { PendingCallData } from './create-pending-call-event.js';

/**
 * Whether `event` is a pending call's record (see {@link createPendingCallEvent}), which must be
 * revived before it is delivered.
 */
export function isPendingCallEvent(event: { data?: unknown }): event is {
  id: string;
  subject: string;
  time?: unknown;
  data: { pending_call: PendingCallData };
} {
  const data = event.data as { pending_call?: unknown } | undefined;
  return typeof data?.pending_call === 'object' && data.pending_call !== null;
}

/**
 * Turns a pending call's record, left by a process that died after sending the call and before
 * journaling anything else about it, into the event to bill: the `crashed` estimate of its
 * prompt, the same the process would have journaled next (same id, envelope and meter), counted
 * now from the request body it kept. Any other event is returned as it is. Throws when the body
 * cannot be read as the endpoint's request.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export function revivePendingCall<Event extends { data?: unknown }>(
  event: Event,
): Event | UsageEvent {
  if (!isPendingCallEvent(event)) return event;
  const pending = event.data.pending_call;
  const request: unknown = JSON.parse(pending.body);
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw new TypeError(`pending call ${event.id}: its request body is not a JSON object`);
  }
  const time = typeof event.time === 'string' ? new Date(event.time) : new Date(Number.NaN);
  const options: StreamMeterOptions = {
    subject: event.subject,
    source: pending.source,
    type: pending.type,
    provider: pending.provider,
    dimensions: pending.dimensions,
    fallbackId: event.id,
    encoding: pending.encoding,
    now: () => time,
  };
  const estimate = estimatePrompt({
    pending,
    request: request as Record<string, unknown>,
    options,
  });
  if (estimate.data.usage_source === 'provider') return estimate;
  return {
    ...estimate,
    data: { ...estimate.data, usage_source: 'estimated', estimate_reason: 'crashed' },
  };
}

type PromptMeterOf = (input: {
  request: Record<string, unknown>;
  options: StreamMeterOptions;
  pending: PendingCallData;
}) => { finish(input: { reason: 'aborted' }): UsageEvent };

// Each endpoint's stream meter: with nothing pushed, its event is the prompt estimate.
const promptMeters: Partial<Record<PendingCallData['endpoint'], PromptMeterOf>> = {
  'chat.completions': ({ request, options }) =>
    new ChatStreamMeter({ request: request as unknown as ChatPromptRequest, options }),
  responses: ({ request, options }) => new ResponsesStreamMeter({ request, options }),
  messages: ({ request, options }) =>
    new AnthropicStreamMeter({ request: request as unknown as AnthropicMessagesRequest, options }),
  generateContent: ({ request, options, pending }) =>
    new GeminiStreamMeter({
      request: request as GeminiPromptRequest,
      options: { ...options, requestedModel: pending.requested_model },
    }),
};

/** The prompt estimate of the endpoint's meter with nothing pushed. */
function estimatePrompt({
  pending,
  request,
  options,
}: {
  pending: PendingCallData;
  request: Record<string, unknown>;
  options: StreamMeterOptions;
}): UsageEvent {
  if (pending.endpoint === 'embeddings') {
    // An embeddings answer without usage is estimated from its request: the input tokens.
    return toUsageEvent(
      { object: 'list', data: [], model: request.model as string | undefined },
      { ...options, request },
    );
  }
  const meterOf = promptMeters[pending.endpoint];
  if (!meterOf) {
    throw new TypeError(
      `pending call ${options.fallbackId}: no prompt meter for endpoint ${String(pending.endpoint)}`,
    );
  }
  return meterOf({ request, options, pending }).finish({ reason: 'aborted' });
}
