/**
 * One Claude model's prices in USD per million tokens, by token type, with their source.
 * @see https://docs.anthropic.com/en/docs/about-claude/pricing
 */
export interface AnthropicPriceRow {
  model: string;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  source: string;
  /** The day the figures were read (YYYY-MM-DD). */
  date: string;
}

const source =
  '@pydantic/genai-prices 0.1.8 (base tier; 1-hour cache writes at 2x input, per its price_comments), checked against https://docs.anthropic.com/en/docs/about-claude/pricing';
const date = '2026-12-07';

/**
 * The prices behind openai-local's Anthropic cost report: the standard tier for prompts up to
 * 200K tokens (longer prompts are priced at these rates too: not modelled).
 * @see https://docs.anthropic.com/en/docs/about-claude/pricing
 */
export const anthropicPriceTable: readonly AnthropicPriceRow[] = (
  [
    ['claude-sonnet-4-5-20250929', 3, 15],
    ['claude-sonnet-4-20250514', 3, 15],
    ['claude-haiku-4-5-20251001', 1, 5],
    ['claude-opus-4-1-20250805', 15, 75],
  ] as const
).map(([model, input, output]) => ({
  model,
  input,
  output,
  cacheRead: input / 10,
  cacheWrite5m: input * 1.25,
  cacheWrite1h: input * 2,
  source,
  date,
}));
