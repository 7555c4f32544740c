import type { UsageTokens } from './usage-event.js';
import { UsageEventError } from './usage-event-error.js';

/**
 * Checks that token counts add up: total = prompt + completion, and every detail count fits in
 * the count that includes it. Throws {@link UsageEventError} naming the first field that does not.
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage
 */
export function checkUsageTokens({
  tokens,
  fields,
}: {
  tokens: UsageTokens;
  /** Wire name of each field, for error messages (`usage.input_tokens` for Responses). */
  fields: Partial<Record<keyof UsageTokens, string>>;
}): UsageTokens {
  const name = (key: keyof UsageTokens) => fields[key] ?? `usage.${key}`;
  if (tokens.total_tokens !== tokens.prompt_tokens + tokens.completion_tokens) {
    throw new UsageEventError({
      field: name('total_tokens'),
      message: `${tokens.total_tokens} is not ${name('prompt_tokens')} + ${name('completion_tokens')} (${tokens.prompt_tokens} + ${tokens.completion_tokens})`,
    });
  }
  const parts: ReadonlyArray<readonly [keyof UsageTokens, 'prompt_tokens' | 'completion_tokens']> =
    [
      ['cached_tokens', 'prompt_tokens'],
      ['cache_write_tokens', 'prompt_tokens'],
      ['prompt_audio_tokens', 'prompt_tokens'],
      ['reasoning_tokens', 'completion_tokens'],
      ['completion_audio_tokens', 'completion_tokens'],
      ['accepted_prediction_tokens', 'completion_tokens'],
      ['rejected_prediction_tokens', 'completion_tokens'],
    ];
  for (const [part, whole] of parts) {
    const value = tokens[part];
    if (value !== undefined && value > tokens[whole]) {
      throw new UsageEventError({
        field: name(part),
        message: `${value} exceeds ${name(whole)} (${tokens[whole]})`,
      });
    }
  }
  return tokens;
}
