import type { ServiceTier } from '../providers/openai/resolve-service-tier.js';

/**
 * One dated price row: USD per million tokens for one model on one tier, with where the figures
 * come from. `cachedInput` is null for models without prompt-caching discounts.
 * @see https://platform.openai.com/docs/pricing
 */
export interface PriceRow {
  model: string;
  tier: ServiceTier;
  input: number;
  cachedInput: number | null;
  output: number;
  source: string;
  /** The day the figures were read from the source (YYYY-MM-DD). */
  date: string;
}

const standardSource =
  '@pydantic/genai-prices 0.1.8 (OpenAI standard tier), checked against https://platform.openai.com/docs/pricing';
const flexSource =
  'https://developers.openai.com/api/docs/guides/flex-processing (half the standard rates)';
const prioritySource = 'https://openai.com/api-priority-processing/';
const date = '2026-12-02';

// [model, input, cached input, output] on the standard tier.
const standard: Array<[string, number, number | null, number]> = [
  ['gpt-4o-2024-08-06', 2.5, 1.25, 10],
  ['gpt-4o-2024-11-20', 2.5, 1.25, 10],
  ['gpt-4o-2024-05-13', 5, null, 15],
  ['chatgpt-4o-latest', 5, null, 15],
  ['gpt-4o-mini-2024-07-18', 0.15, 0.075, 0.6],
  ['gpt-4.1-2025-04-14', 2, 0.5, 8],
  ['gpt-4.1-mini-2025-04-14', 0.4, 0.1, 1.6],
  ['gpt-4.1-nano-2025-04-14', 0.1, 0.025, 0.4],
  ['gpt-5-2025-08-07', 1.25, 0.125, 10],
  ['gpt-5-chat-latest', 1.25, 0.125, 10],
  ['gpt-5-mini-2025-08-07', 0.25, 0.025, 2],
  ['gpt-5-nano-2025-08-07', 0.05, 0.005, 0.4],
  ['gpt-5.1-2025-11-13', 1.25, 0.125, 10],
  ['gpt-5.2-2025-12-11', 1.75, 0.175, 14],
  ['o1-2024-12-17', 15, 7.5, 60],
  ['o3-mini-2025-01-31', 1.1, 0.55, 4.4],
  ['o3-2025-04-16', 2, 0.5, 8],
  ['o4-mini-2025-04-16', 1.1, 0.275, 4.4],
  ['gpt-3.5-turbo-0125', 0.5, null, 1.5],
  ['gpt-3.5-turbo-1106', 1, null, 2],
  ['gpt-4-turbo-2024-04-09', 10, null, 30],
  ['gpt-4-0613', 30, null, 60],
  ['gpt-4', 30, null, 60],
  ['text-embedding-3-small', 0.02, null, 0],
  ['text-embedding-3-large', 0.13, null, 0],
  ['text-embedding-ada-002', 0.1, null, 0],
];

// Flex processing: half the standard price, for the models the flex guide lists (the same set as
// @llm-meter/prices, so reconciling against openai-local's costs shows no drift of its own).
const flexModels = [
  'gpt-5-2025-08-07',
  'gpt-5-mini-2025-08-07',
  'gpt-5-nano-2025-08-07',
  'o3-2025-04-16',
  'o4-mini-2025-04-16',
];

// [model, input, cached input, output] on the priority tier.
const priority: Array<[string, number, number | null, number]> = [
  ['gpt-4o-2024-08-06', 4.25, 2.125, 17],
  ['gpt-4o-2024-11-20', 4.25, 2.125, 17],
  ['gpt-4o-mini-2024-07-18', 0.25, 0.125, 1],
  ['gpt-4.1-2025-04-14', 3.5, 0.875, 14],
  ['gpt-4.1-mini-2025-04-14', 0.7, 0.175, 2.8],
  ['gpt-4.1-nano-2025-04-14', 0.2, 0.05, 0.8],
  ['gpt-5-2025-08-07', 2.5, 0.25, 20],
  ['gpt-5-mini-2025-08-07', 0.45, 0.045, 3.6],
  ['gpt-5.1-2025-11-13', 2.5, 0.25, 20],
  ['gpt-5.2-2025-12-11', 3.5, 0.35, 28],
  ['o3-2025-04-16', 3.5, 0.875, 14],
  ['o4-mini-2025-04-16', 2, 0.5, 8],
];

/**
 * The prices openai-local's Costs API charges: OpenAI's list prices for the models it serves on
 * the default, flex and priority tiers, each row dated and sourced. Models or tiers without a row
 * are unpriced (left out of costs, never charged $0).
 * @see https://platform.openai.com/docs/pricing
 */
export const priceTable: readonly PriceRow[] = [
  ...standard.map(([model, input, cachedInput, output]) => ({
    model,
    tier: 'default' as const,
    input,
    cachedInput,
    output,
    source: standardSource,
    date,
  })),
  ...standard
    .filter(([model]) => flexModels.includes(model))
    .map(([model, input, cachedInput, output]) => ({
      model,
      tier: 'flex' as const,
      input: input / 2,
      cachedInput: cachedInput === null ? null : cachedInput / 2,
      output: output / 2,
      source: flexSource,
      date,
    })),
  ...priority.map(([model, input, cachedInput, output]) => ({
    model,
    tier: 'priority' as const,
    input,
    cachedInput,
    output,
    source: prioritySource,
    date,
  })),
];

/**
 * The price row for a model on a tier, or undefined when the table has none (unpriced).
 * @see https://platform.openai.com/docs/pricing
 */
export function findPrice({
  model,
  tier,
  prices = priceTable,
}: {
  model: string;
  tier: string;
  prices?: readonly PriceRow[] | undefined;
}): PriceRow | undefined {
  return prices.find((row) => row.model === model && row.tier === tier);
}
