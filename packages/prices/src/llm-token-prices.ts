import { calcPrice, findProvider, type ModelInfo, type ModelPrice } from '@pydantic/genai-prices';
import Big from 'big.js';

/**
 * Per-token USD rates of one model, as OpenMeter's LLM cost database spells them
 * (`LLMCostModelPricing`): decimal strings per token, never in exponent notation. A rate the
 * table does not list is absent, never `"0"`.
 */
export interface LlmTokenPricing {
  input_per_token: string;
  output_per_token: string;
  cache_read_per_token?: string;
  cache_write_per_token?: string;
}

/** One model's standard per-token rates on a day, from the table `priceUsage` prices with. */
export interface LlmTokenPrice {
  provider: { id: string; name: string };
  model: { id: string; name: string };
  pricing: LlmTokenPricing;
  /**
   * The model's rates rise past a prompt length (Anthropic's and Google's long-context tiers):
   * `pricing` holds the base rates, which `priceUsage` applies below the first tier only.
   */
  contextTiered: boolean;
  /**
   * When these rates took effect, for a model whose price changed on a date the table records
   * (RFC 3339); undefined when the table gives no start.
   */
  effectiveFrom?: string;
}

/** The providers whose standard rates are listed: the three the toolkit meters. */
export const llmTokenPriceProviders = ['openai', 'anthropic', 'google'] as const;

const rateKeys = {
  input_per_token: 'input_mtok',
  output_per_token: 'output_mtok',
  cache_read_per_token: 'cache_read_mtok',
  cache_write_per_token: 'cache_write_mtok',
} as const satisfies Record<keyof LlmTokenPricing, string>;

/**
 * The standard per-token rates of every model of `llmTokenPriceProviders` in force at `at`, from
 * `@pydantic/genai-prices` (the table `priceUsage` prices the service tier `default` with), in
 * OpenMeter's LLM cost shape, sorted by provider and model. Service tiers (flex, priority,
 * batch), 1-hour cache writes, Anthropic's inference-geo multiplier and long-context tiers have
 * no place in that shape: `priceUsage` prices them, this list does not.
 * @see https://github.com/openmeterio/openmeter/blob/main/api/v3/openapi.yaml
 */
export function listLlmTokenPrices({ at }: { at: Date }): LlmTokenPrice[] {
  const prices: LlmTokenPrice[] = [];
  for (const providerId of llmTokenPriceProviders) {
    const provider = findProvider({ providerId });
    for (const model of provider?.models ?? []) {
      const price = findLlmTokenPrice({ provider: providerId, model: model.id, at });
      // A model whose own id matches another entry is listed there.
      if (price && price.model.id === model.id) prices.push(price);
    }
  }
  return prices;
}

/**
 * The standard per-token rates of the model a provider served (`gpt-5-nano-2025-08-07` finds
 * `gpt-5-nano`, as `priceUsage` does) in force at `at`, or undefined when the table has no
 * input and output rate for it.
 * @see https://github.com/pydantic/genai-prices
 */
export function findLlmTokenPrice({
  provider,
  model,
  at,
}: {
  provider: string;
  model: string;
  at: Date;
}): LlmTokenPrice | undefined {
  let found: ReturnType<typeof calcPrice>;
  try {
    found = calcPrice({ input_tokens: 1, output_tokens: 1 }, model, {
      providerId: provider,
      timestamp: at,
    });
  } catch {
    return undefined;
  }
  if (!found || found.provider.id !== provider) return undefined;
  const rates = found.model_price;
  const input = readRate(rates, 'input_mtok');
  const output = readRate(rates, 'output_mtok');
  if (input === undefined || output === undefined) return undefined;
  const pricing: LlmTokenPricing = { input_per_token: input, output_per_token: output };
  for (const [field, key] of Object.entries(rateKeys) as Array<[keyof LlmTokenPricing, string]>) {
    const rate = readRate(rates, key);
    if (rate !== undefined) pricing[field] = rate;
  }
  const effectiveFrom = findEffectiveFrom({ model: found.model, at });
  return {
    provider: { id: found.provider.id, name: found.provider.name },
    model: { id: found.model.id, name: found.model.name ?? found.model.id },
    pricing,
    contextTiered: Object.values(rateKeys).some((key) => typeof rates[key] === 'object'),
    ...(effectiveFrom === undefined ? {} : { effectiveFrom }),
  };
}

// The latest dated price of the model that started by `at`.
function findEffectiveFrom({ model, at }: { model: ModelInfo; at: Date }): string | undefined {
  if (!Array.isArray(model.prices)) return undefined;
  let latest: Date | undefined;
  for (const { constraint } of model.prices) {
    if (constraint?.type !== 'start_date') continue;
    const start = new Date(constraint.start_date);
    if (start <= at && (latest === undefined || start > latest)) latest = start;
  }
  return latest?.toISOString();
}

// genai-prices lists USD per million tokens; a tiered rate's base applies below its first tier.
function readRate(rates: ModelPrice, key: string): string | undefined {
  const rate = rates[key];
  const perMillion = typeof rate === 'object' ? rate.base : rate;
  if (perMillion === undefined) return undefined;
  return new Big(perMillion).div(1_000_000).toFixed();
}
