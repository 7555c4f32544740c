import { convertUnixSeconds } from '../../../events/create-usage-event.js';
import type { EstimateReason, UsageEndpoint, UsageEvent } from '../../../events/usage-event.js';
import { resolveStreamIdentity } from '../../../stream/resolve-stream-identity.js';
import { safeConvertUsage } from '../../../stream/safe-convert-usage.js';
import type { StreamMeterOptions } from '../../../stream/stream-meter-options.js';
import type { EncodingName } from '../../../tokenizer/encoding-name.js';
import type { UsageRecord } from '../../../usage/usage-record.js';
import { createOpenAIUsageEvent } from '../events/create-openai-usage-event.js';

/**
 * Builds the one usage event of an OpenAI stream (chat completions or Responses) from what its
 * meter read: the provider's usage when it arrived and converts, else an estimate
 * (`usage_source: "estimated"`) with `invalid_usage` when it did not convert, or
 * `estimateReason()`. Throws `UsageEventError` when no id or time is known.
 */
export function finishOpenAIStream<Usage>({
  id,
  created,
  createdField,
  usage,
  convertUsage,
  estimate,
  estimateReason,
  model,
  requestedModel,
  serviceTier,
  endpoint,
  options,
}: {
  id: string | undefined;
  /** Unix seconds the stream carried (`created`, `created_at`), named by `createdField`. */
  created: number | undefined;
  createdField: string;
  usage: Usage | undefined;
  convertUsage: (input: { usage: Usage }) => UsageRecord;
  estimate: () => UsageRecord;
  /** Why there is no usage to bill, when none arrived. */
  estimateReason: () => EstimateReason;
  model: string | undefined;
  requestedModel: string | null | undefined;
  serviceTier: string | undefined;
  endpoint: UsageEndpoint;
  options: StreamMeterOptions;
}): UsageEvent {
  const identity = resolveStreamIdentity({
    id,
    time:
      created === undefined
        ? undefined
        : convertUnixSeconds({ value: created, field: createdField }),
    options,
  });
  const provided =
    usage === undefined ? undefined : safeConvertUsage(() => convertUsage({ usage }));
  // A malformed usage from the provider must not cost the stream its one event.
  const [tokens, reason] = provided?.success
    ? [provided.value, undefined]
    : [estimate(), provided ? ('invalid_usage' as const) : estimateReason()];
  return createOpenAIUsageEvent({
    providerId: identity.id,
    time: identity.time,
    model: model ?? requestedModel,
    requestedModel,
    serviceTier,
    endpoint,
    tokens,
    estimateReason: reason,
    options,
  });
}

/**
 * Counts a stream's prompt once per encoding, however often its meter finishes (a journal
 * finishes it on every snapshot): the prompt never changes.
 */
export function countPromptOnce(
  count: (encoding: EncodingName) => number,
): (encoding: EncodingName) => number {
  let counted: { encoding: EncodingName; tokens: number } | undefined;
  return (encoding) => {
    if (counted?.encoding !== encoding) counted = { encoding, tokens: count(encoding) };
    return counted.tokens;
  };
}
