import { parseTokenCount } from '../../../events/parse-token-count.js';
import { UsageEventError } from '../../../events/usage-event-error.js';
import { checkUsageRecord } from '../../../usage/check-usage-record.js';
import type { UsageRecord } from '../../../usage/usage-record.js';

/**
 * The usage object of a Chat Completion, a chat stream's last chunk or an Embeddings response
 * (which has no completion tokens). Only the fields read here are declared.
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage
 */
export interface OpenAIChatUsage {
  prompt_tokens?: number | null | undefined;
  completion_tokens?: number | null | undefined;
  total_tokens?: number | null | undefined;
  prompt_tokens_details?:
    | {
        cached_tokens?: number | null | undefined;
        cache_write_tokens?: number | null | undefined;
        audio_tokens?: number | null | undefined;
      }
    | null
    | undefined;
  completion_tokens_details?:
    | {
        reasoning_tokens?: number | null | undefined;
        audio_tokens?: number | null | undefined;
        accepted_prediction_tokens?: number | null | undefined;
        rejected_prediction_tokens?: number | null | undefined;
      }
    | null
    | undefined;
}

/**
 * Converts a chat (or embeddings) usage object into {@link UsageRecord}, refusing missing,
 * negative, fractional or inconsistent counts with a {@link UsageEventError} naming the field.
 * Embeddings usage has no `completion_tokens`: pass `completionOptional: true` to read it as 0.
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage
 */
export function convertChatUsage({
  usage,
  completionOptional = false,
}: {
  usage: OpenAIChatUsage;
  completionOptional?: boolean;
}): UsageRecord {
  if (typeof usage !== 'object' || usage === null) {
    throw new UsageEventError({ field: 'usage', message: 'must be an object' });
  }
  const count = (value: unknown, field: string) =>
    parseTokenCount({ value, field: `usage.${field}`, optional: true });
  const prompt = usage.prompt_tokens_details ?? {};
  const completion = usage.completion_tokens_details ?? {};
  const tokens: UsageRecord = {
    prompt_tokens:
      parseTokenCount({ value: usage.prompt_tokens, field: 'usage.prompt_tokens' }) ?? 0,
    completion_tokens:
      parseTokenCount({
        value: usage.completion_tokens,
        field: 'usage.completion_tokens',
        optional: completionOptional,
      }) ?? 0,
    total_tokens: parseTokenCount({ value: usage.total_tokens, field: 'usage.total_tokens' }) ?? 0,
    cached_tokens: count(prompt.cached_tokens, 'prompt_tokens_details.cached_tokens') ?? 0,
    // OpenAI bills no cache writes; OpenAI-compatible servers that do report them.
    cache_write_tokens:
      count(prompt.cache_write_tokens, 'prompt_tokens_details.cache_write_tokens') ?? 0,
    // No OpenAI-compatible usage splits writes by lifetime: all are at the cache-write rate.
    cache_write_1h_tokens: 0,
    reasoning_tokens:
      count(completion.reasoning_tokens, 'completion_tokens_details.reasoning_tokens') ?? 0,
  };
  const optional = {
    prompt_audio_tokens: count(prompt.audio_tokens, 'prompt_tokens_details.audio_tokens'),
    completion_audio_tokens: count(
      completion.audio_tokens,
      'completion_tokens_details.audio_tokens',
    ),
    accepted_prediction_tokens: count(
      completion.accepted_prediction_tokens,
      'completion_tokens_details.accepted_prediction_tokens',
    ),
    rejected_prediction_tokens: count(
      completion.rejected_prediction_tokens,
      'completion_tokens_details.rejected_prediction_tokens',
    ),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) tokens[key as keyof typeof optional] = value;
  }
  return checkUsageRecord({
    usage: tokens,
    fields: {
      cached_tokens: 'usage.prompt_tokens_details.cached_tokens',
      cache_write_tokens: 'usage.prompt_tokens_details.cache_write_tokens',
      prompt_audio_tokens: 'usage.prompt_tokens_details.audio_tokens',
      reasoning_tokens: 'usage.completion_tokens_details.reasoning_tokens',
      completion_audio_tokens: 'usage.completion_tokens_details.audio_tokens',
      accepted_prediction_tokens: 'usage.completion_tokens_details.accepted_prediction_tokens',
      rejected_prediction_tokens: 'usage.completion_tokens_details.rejected_prediction_tokens',
    },
  });
}
