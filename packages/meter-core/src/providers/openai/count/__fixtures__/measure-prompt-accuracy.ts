import { countChatPromptTokens } from '../count-chat-prompt-tokens.js';
import { countResponsesPromptTokens } from '../count-responses-prompt-tokens.js';
import {
  isTextAsCounted,
  type RecordedExchange,
  readRecordedExchanges,
  recordedPromptTokens,
} from './read-recorded-exchanges.js';
import { type AccuracySummary, summarizeErrors } from './summarize-errors.js';

/**
 * The prompt categories the accuracy gate checks: chat categories as tagged in the recordings,
 * Responses ones prefixed `responses:`.
 */
export const promptCategories = [
  'plain_text',
  'tools_defined',
  'response_format:json_schema',
  'assistant_tool_calls_in_history',
  'responses:plain_text',
  'responses:tools_defined',
  'responses:text_format:json_schema',
  'responses:assistant_tool_calls_in_history',
] as const;

// A Responses prompt is tagged `responses:plain_text` when it has none of these (the recordings
// tag `plain_text` on chat prompts only).
const notPlainResponses = new Set([
  'tools_defined',
  'assistant_tool_calls_in_history',
  'text_format:json_schema',
  'images',
  'audio_or_file_input',
  'content_parts',
  'previous_response_id',
]);

function categoriesOf(exchange: RecordedExchange): string[] {
  if (exchange.endpoint === 'chat.completions') return exchange.categories;
  const plain = exchange.categories.every((category) => !notPlainResponses.has(category));
  return [
    'responses',
    ...(plain ? ['responses:plain_text'] : []),
    ...exchange.categories.map((category) => `responses:${category}`),
  ];
}

/** One recorded prompt compared with OpenAI's `usage.prompt_tokens` or `usage.input_tokens`. */
export interface PromptOutcome {
  exchange: RecordedExchange;
  /** The categories of the record, Responses ones prefixed `responses:`. */
  categories: string[];
  /** Estimate − recorded prompt tokens. */
  error: number;
  /** Number of parts the estimate left out (images, audio, files, unknown tools). */
  excludedParts: number;
}

function countPrompt(exchange: RecordedExchange) {
  return exchange.endpoint === 'chat.completions'
    ? countChatPromptTokens(exchange.request)
    : countResponsesPromptTokens(exchange.request);
}

/**
 * Counts every recorded chat and Responses prompt with usage whose text is as OpenAI counted it
 * (normalized records are left out unless `includeNormalized`), and compares the estimate with
 * the recorded prompt tokens.
 */
export function measurePromptOutcomes({
  includeNormalized = false,
}: {
  includeNormalized?: boolean | undefined;
} = {}): PromptOutcome[] {
  return readRecordedExchanges()
    .filter(
      (exchange) =>
        recordedPromptTokens(exchange) !== undefined &&
        (includeNormalized || isTextAsCounted(exchange)),
    )
    .map((exchange) => {
      const count = countPrompt(exchange);
      return {
        exchange,
        categories: categoriesOf(exchange),
        error: count.tokens - (recordedPromptTokens(exchange) ?? 0),
        excludedParts: count.excluded.length,
      };
    });
}

/**
 * Per-category accuracy of complete prompts (nothing excluded) of one split, the figures of the
 * README's accuracy table and of the CI gate (which reads the set-aside sources only).
 */
export function measurePromptAccuracy({
  outcomes = measurePromptOutcomes(),
  split,
}: {
  outcomes?: readonly PromptOutcome[] | undefined;
  split: 'fitted' | 'set-aside';
}): AccuracySummary[] {
  return promptCategories.map((category) =>
    summarizeErrors({
      category,
      errors: outcomes
        .filter(
          (outcome) =>
            outcome.exchange.split === split &&
            outcome.excludedParts === 0 &&
            outcome.categories.includes(category),
        )
        .map((outcome) => outcome.error),
    }),
  );
}
