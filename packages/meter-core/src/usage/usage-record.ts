/**
 * Token type in OpenMeter's LLM cost vocabulary: uncached `input`, `cache_read` (input served
 * from a prompt cache), `cache_write` (input written to a cache) and `output` (reasoning
 * included, as providers bill it).
 * @see https://openmeter.io/docs/billing/entitlements/feature
 */
export type TokenType = 'input' | 'cache_read' | 'cache_write' | 'output';

/** How one usage field relates to the others. */
interface UsageFieldSpec {
  /** `tokens`, or `calls` for server-side tool calls billed per call. */
  unit: 'tokens' | 'calls';
  /** The field this one is a part of (never more than it). */
  partOf?: 'prompt_tokens' | 'completion_tokens' | 'cache_write_tokens';
  /** Present on every event (0 when the provider reported none). */
  always?: true;
  /** The token type its tokens are priced as, when it is one of the disjoint input parts. */
  tokenType?: 'cache_read' | 'cache_write';
}

/**
 * Every field of the usage record, provider-neutral, with its wire name (the usage event's data
 * field). This table is the one place a token type is added: the {@link UsageRecord} type, the
 * consistency check, the token-type split, the settlement's differences and the reserved data
 * keys all derive from it.
 *
 * `prompt_tokens` is every input token billed (cache reads and writes included),
 * `completion_tokens` every output token (reasoning included), `total_tokens` their sum; the
 * other fields break them down where the provider reports it.
 */
export const usageFields = {
  prompt_tokens: { unit: 'tokens', always: true },
  completion_tokens: { unit: 'tokens', always: true },
  total_tokens: { unit: 'tokens', always: true },
  /** Input read from the prompt cache. */
  cached_tokens: { unit: 'tokens', partOf: 'prompt_tokens', always: true, tokenType: 'cache_read' },
  /** Input written to the prompt cache (Anthropic's cache writes; 0 where none are billed). */
  cache_write_tokens: {
    unit: 'tokens',
    partOf: 'prompt_tokens',
    always: true,
    tokenType: 'cache_write',
  },
  /** Cache writes kept 5 minutes, where the provider splits them by lifetime. */
  cache_write_5m_tokens: { unit: 'tokens', partOf: 'cache_write_tokens' },
  /**
   * Cache writes kept 1 hour (Anthropic's `ttl: "1h"`, billed above the 5-minute rate); 0 where
   * none are billed, so a SUM meter reads it from every event.
   */
  cache_write_1h_tokens: { unit: 'tokens', partOf: 'cache_write_tokens', always: true },
  prompt_audio_tokens: { unit: 'tokens', partOf: 'prompt_tokens' },
  prompt_image_tokens: { unit: 'tokens', partOf: 'prompt_tokens' },
  prompt_video_tokens: { unit: 'tokens', partOf: 'prompt_tokens' },
  /** Input a server-side tool (search, code execution) added to the prompt, billed as input. */
  tool_use_prompt_tokens: { unit: 'tokens', partOf: 'prompt_tokens' },
  /** Output spent on hidden reasoning. */
  reasoning_tokens: { unit: 'tokens', partOf: 'completion_tokens', always: true },
  completion_audio_tokens: { unit: 'tokens', partOf: 'completion_tokens' },
  completion_image_tokens: { unit: 'tokens', partOf: 'completion_tokens' },
  accepted_prediction_tokens: { unit: 'tokens', partOf: 'completion_tokens' },
  rejected_prediction_tokens: { unit: 'tokens', partOf: 'completion_tokens' },
  /**
   * Input read by a second model consulted within the response (Anthropic's advisor), priced at
   * that model's rates (`advisor_model`), not the response's.
   */
  advisor_input_tokens: { unit: 'tokens', partOf: 'prompt_tokens' },
  /** Output written by that second model, priced at its rates. */
  advisor_output_tokens: { unit: 'tokens', partOf: 'completion_tokens' },
  /** Server-side web searches, billed per call. */
  web_search_calls: { unit: 'calls' },
  /** Server-side web fetches, billed per call. */
  web_fetch_calls: { unit: 'calls' },
} as const satisfies Record<string, UsageFieldSpec>;

/** Wire name of a usage field. */
export type UsageField = keyof typeof usageFields;

type AlwaysField = {
  [Field in UsageField]: (typeof usageFields)[Field] extends { always: true } ? Field : never;
}[UsageField];

/**
 * The usage of one response, whichever provider served it: `prompt_tokens`,
 * `completion_tokens`, `total_tokens`, `cached_tokens`, `cache_write_tokens`,
 * `cache_write_1h_tokens` and `reasoning_tokens` always (0 when not reported; on estimates 0 as a
 * lower bound, flagged), every other field of {@link usageFields} only when the provider reported
 * it. The cache-write fields are always there so that a SUM meter can read them from every event:
 * OpenMeter counts an event whose data lacks a meter's value property as invalid.
 */
export type UsageRecord = { [Field in AlwaysField]: number } & {
  [Field in Exclude<UsageField, AlwaysField>]?: number;
};

/** Every usage field's wire name, in the table's order. */
export const usageFieldNames = Object.keys(usageFields) as UsageField[];

/** The usage fields a response always has. */
export const alwaysUsageFields = usageFieldNames.filter(
  (field) => (usageFields[field] as UsageFieldSpec).always === true,
) as AlwaysField[];

/** @deprecated The same as {@link UsageRecord}, its name before other providers; use that. */
export type UsageTokens = UsageRecord;
