/**
 * Dated rules of Anthropic's and Google's price pages that `@pydantic/genai-prices` 0.1.8 does
 * not apply on its own, each with its source and the day it was checked. Standard, long-context,
 * cache-read, 5-minute and 1-hour cache-write and web-search rates come from genai-prices.
 */
export const providerPriceRulesChecked = '2026-12-07';

/**
 * Anthropic: inference kept in the US (`usage.inference_geo: "us"`, Opus 4.6 and later) costs
 * 1.1 × every token rate; `global` (the default) and `not_available` (older models) are
 * standard. The per-search fee is not a token rate and is not multiplied.
 * @see https://platform.claude.com/docs/en/about-claude/pricing
 */
export const anthropicInferenceGeoMultipliers: Readonly<Record<string, number>> = {
  global: 1,
  not_available: 1,
  us: 1.1,
};

/**
 * Google Vertex AI: the traffic types billed at the standard per-token rates. Provisioned
 * Throughput is billed per unit of reserved throughput and Flex PayGo at its own rates, so
 * usage served at them is unpriced until this table lists them.
 * @see https://cloud.google.com/vertex-ai/generative-ai/pricing
 */
export const googleStandardTrafficTypes: ReadonlySet<string> = new Set(['ON_DEMAND']);
