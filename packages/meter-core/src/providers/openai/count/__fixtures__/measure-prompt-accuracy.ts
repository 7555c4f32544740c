import { countChatPromptTokens } from '../count-chat-prompt-tokens.js';
import {
  isTextAsCounted,
  type RecordedExchange,
  readRecordedChatExchanges,
} from './read-recorded-chat-exchanges.js';
import { type AccuracySummary, summarizeErrors } from './summarize-errors.js';

/** The prompt categories the accuracy gate checks, as tagged in the recordings. */
export const promptCategories = [
  'plain_text',
  'tools_defined',
  'response_format:json_schema',
  'assistant_tool_calls_in_history',
] as const;

/** One recorded prompt compared with OpenAI's `usage.prompt_tokens`. */
export interface PromptOutcome {
  exchange: RecordedExchange;
  /** Estimate − recorded prompt tokens. */
  error: number;
  /** Number of parts the estimate left out (images, audio, files, unknown tools). */
  excludedParts: number;
}

/**
 * Counts every recorded chat prompt with usage whose text is as OpenAI counted it (normalized
 * records are left out unless `includeNormalized`), and compares with `usage.prompt_tokens`.
 */
export function measurePromptOutcomes({
  includeNormalized = false,
}: {
  includeNormalized?: boolean | undefined;
} = {}): PromptOutcome[] {
  return readRecordedChatExchanges()
    .filter(
      (exchange) =>
        typeof exchange.usage?.prompt_tokens === 'number' &&
        (includeNormalized || isTextAsCounted(exchange)),
    )
    .map((exchange) => {
      const count = countChatPromptTokens(exchange.request);
      return {
        exchange,
        error: count.tokens - (exchange.usage?.prompt_tokens ?? 0),
        excludedParts: count.excluded.length,
      };
    });
}

/**
 * Per-category accuracy of complete prompts (nothing excluded), the figures of the README's
 * accuracy table and of the CI gate.
 */
export function measurePromptAccuracy(
  outcomes: readonly PromptOutcome[] = measurePromptOutcomes(),
): AccuracySummary[] {
  return promptCategories.map((category) =>
    summarizeErrors({
      category,
      errors: outcomes
        .filter(
          (outcome) =>
            outcome.excludedParts === 0 && outcome.exchange.categories.includes(category),
        )
        .map((outcome) => outcome.error),
    }),
  );
}
