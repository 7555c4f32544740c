/**
 * A served OpenAI service tier this package prices: `default` (standard rates, from
 * `@pydantic/genai-prices`), `flex`, `priority`, and `batch` (the Batch API; OpenAI's usage
 * reports it as `batch: true`, a response does not carry it).
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-service_tier
 */
export type PricedServiceTier = 'default' | 'flex' | 'priority' | 'batch';

/** USD per million tokens, the unit of OpenAI's pricing pages. */
export interface TokenRates {
  inputMtok: number;
  cachedInputMtok: number;
  outputMtok: number;
}

/**
 * One dated row of the service-tier table: how a tier prices a model that
 * `@pydantic/genai-prices` knows (its model id), either as a fraction of the standard rates of
 * the day or as absolute rates, with where the figure comes from and when it was checked.
 */
export interface ServiceTierPriceRow {
  tier: Exclude<PricedServiceTier, 'default'>;
  /** genai-prices model id (`gpt-4o-mini`, `o3`, ...); `*` for every model. */
  model: string;
  /** Either a multiplier of the standard rates of the event's date, or absolute rates. */
  price: { multiplier: number } | { rates: TokenRates };
  /** Prompts above this many tokens are not served at this tier (priority: >128K). */
  maxPromptTokens?: number;
  /** Where the figure is published. */
  source: string;
  /** Day (UTC) the figure was read from the source. */
  checked: string;
}

const checked = '2026-12-02';
const priorityPage = 'https://openai.com/api-priority-processing/';
const flexGuide = 'https://developers.openai.com/api/docs/guides/flex-processing';
// Priority rates "exclude long context": requests estimated at more than 128K prompt tokens.
const priorityMaxPromptTokens = 128_000;

function priority(model: string, inputMtok: number, cachedInputMtok: number, outputMtok: number) {
  return {
    tier: 'priority',
    model,
    price: { rates: { inputMtok, cachedInputMtok, outputMtok } },
    maxPromptTokens: priorityMaxPromptTokens,
    source: priorityPage,
    checked,
  } as const satisfies ServiceTierPriceRow;
}

function flex(model: string, source: string) {
  return {
    tier: 'flex',
    model,
    price: { multiplier: 0.5 },
    source,
    checked,
  } as const satisfies ServiceTierPriceRow;
}

/**
 * What `@pydantic/genai-prices` 0.1.x does not model: the flex, priority and batch rates of
 * OpenAI's models. Batch is half the standard rates for every model (OpenAI's Batch API FAQ);
 * flex is priced "at Batch API rates" for the models OpenAI offers it on (a beta with limited
 * models; a model missing here is `unpriced` at flex, never guessed); priority has its own
 * per-model rates on OpenAI's priority processing page. Every row names its source and the day it
 * was checked; update a row by changing the figure, the source and the date together.
 * @see https://developers.openai.com/api/docs/pricing
 */
export const serviceTierPrices: readonly ServiceTierPriceRow[] = [
  {
    tier: 'batch',
    model: '*',
    price: { multiplier: 0.5 },
    source: 'https://help.openai.com/en/articles/9197833-batch-api-faq',
    checked,
  },
  // Flex launched for o3 and o4-mini on 2025-04-17 at half the standard rates; the guide says
  // flex tokens are priced at Batch API rates, with prompt-caching discounts on top.
  flex('o3', flexGuide),
  flex('o4-mini', flexGuide),
  flex('gpt-5', flexGuide),
  flex('gpt-5-mini', flexGuide),
  flex('gpt-5-nano', flexGuide),
  flex('gpt-5.5', flexGuide),
  flex('gpt-5.6-sol', flexGuide),
  flex('gpt-5.6-terra', flexGuide),
  flex('gpt-5.6-luna', flexGuide),
  // Priority: USD per 1M input, cached input, output tokens, as published.
  priority('gpt-4.1', 3.5, 0.875, 14),
  priority('gpt-4.1-mini', 0.7, 0.175, 2.8),
  priority('gpt-4.1-nano', 0.2, 0.05, 0.8),
  priority('gpt-4o', 4.25, 2.125, 17),
  priority('gpt-4o-mini', 0.25, 0.125, 1),
  priority('o3', 3.5, 0.875, 14),
  priority('o4-mini', 2, 0.5, 8),
  priority('gpt-5', 2.5, 0.25, 20),
  priority('gpt-5-mini', 0.45, 0.045, 3.6),
  priority('gpt-5.1', 2.5, 0.25, 20),
  priority('gpt-5.2', 3.5, 0.35, 28),
  priority('gpt-5.4', 5, 0.5, 30),
  priority('gpt-5.4-mini', 1.5, 0.15, 9),
  priority('gpt-5.5', 12.5, 1.25, 75),
];

/** The most recent `checked` day of the service-tier table. */
export const serviceTierPricesChecked = serviceTierPrices
  .map((row) => row.checked)
  .sort()
  .at(-1) as string;

/**
 * Finds the row pricing `tier` for the genai-prices model id, preferring a row for the model over
 * a `*` row.
 */
export function findServiceTierPrice({
  tier,
  modelId,
  rows = serviceTierPrices,
}: {
  tier: Exclude<PricedServiceTier, 'default'>;
  modelId: string;
  rows?: readonly ServiceTierPriceRow[];
}): ServiceTierPriceRow | undefined {
  return (
    rows.find((row) => row.tier === tier && row.model === modelId) ??
    rows.find((row) => row.tier === tier && row.model === '*')
  );
}
