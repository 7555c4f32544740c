import { parseTokenCount } from '../../../events/parse-token-count.js';
import { UsageEventError } from '../../../events/usage-event-error.js';
import { checkUsageRecord } from '../../../usage/check-usage-record.js';
import type { UsageRecord } from '../../../usage/usage-record.js';

/**
 * The usage object of a Responses API response. Only the fields read here are declared.
 * @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-usage
 */
export interface OpenAIResponsesUsage {
  input_tokens?: number | null | undefined;
  output_tokens?: number | null | undefined;
  total_tokens?: number | null | undefined;
  input_tokens_details?:
    | { cached_tokens?: number | null | undefined; cache_write_tokens?: number | null | undefined }
    | null
    | undefined;
  output_tokens_details?: { reasoning_tokens?: number | null | undefined } | null | undefined;
}

/**
 * Converts Responses API usage onto the chat field names of {@link UsageRecord}: input tokens
 * become `prompt_tokens`, output tokens `completion_tokens`. Refuses bad counts with a
 * {@link UsageEventError} naming the Responses field.
 * @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-usage
 */
export function convertResponsesUsage({ usage }: { usage: OpenAIResponsesUsage }): UsageRecord {
  if (typeof usage !== 'object' || usage === null) {
    throw new UsageEventError({ field: 'usage', message: 'must be an object' });
  }
  const input = usage.input_tokens_details ?? {};
  const output = usage.output_tokens_details ?? {};
  const tokens: UsageRecord = {
    prompt_tokens: parseTokenCount({ value: usage.input_tokens, field: 'usage.input_tokens' }) ?? 0,
    completion_tokens:
      parseTokenCount({ value: usage.output_tokens, field: 'usage.output_tokens' }) ?? 0,
    total_tokens: parseTokenCount({ value: usage.total_tokens, field: 'usage.total_tokens' }) ?? 0,
    cached_tokens:
      parseTokenCount({
        value: input.cached_tokens,
        field: 'usage.input_tokens_details.cached_tokens',
        optional: true,
      }) ?? 0,
    // OpenAI bills no cache writes; OpenAI-compatible servers that do report them.
    cache_write_tokens:
      parseTokenCount({
        value: input.cache_write_tokens,
        field: 'usage.input_tokens_details.cache_write_tokens',
        optional: true,
      }) ?? 0,
    // No OpenAI-compatible usage splits writes by lifetime: all are at the cache-write rate.
    cache_write_1h_tokens: 0,
    reasoning_tokens:
      parseTokenCount({
        value: output.reasoning_tokens,
        field: 'usage.output_tokens_details.reasoning_tokens',
        optional: true,
      }) ?? 0,
  };
  return checkUsageRecord({
    usage: tokens,
    fields: {
      prompt_tokens: 'usage.input_tokens',
      completion_tokens: 'usage.output_tokens',
      cached_tokens: 'usage.input_tokens_details.cached_tokens',
      cache_write_tokens: 'usage.input_tokens_details.cache_write_tokens',
      reasoning_tokens: 'usage.output_tokens_details.reasoning_tokens',
    },
  });
}
