import type { UsageRecord } from '@llm-meter/meter-core';
import { calcPrice, type ModelInfo, type Provider, type Usage } from '@pydantic/genai-prices';
import {
  anthropicInferenceGeoMultipliers,
  googleStandardTrafficTypes,
} from './provider-price-rules.js';
import {
  findServiceTierPrice,
  type PricedServiceTier,
  type ServiceTierPriceRow,
} from './service-tier-prices.js';

/**
 * The usage to price, as meter-core's usage record spells it: `prompt_tokens` includes
 * `cached_tokens` and `cache_write_tokens` (of which `cache_write_1h_tokens` are priced at the
 * 1-hour rate, the rest at the 5-minute rate), `completion_tokens` includes reasoning tokens
 * (billed as output); `web_search_calls` are priced per search. Fields not priced separately
 * may be left out.
 */
export type PriceableUsage = Pick<UsageRecord, 'prompt_tokens' | 'completion_tokens'> &
  Partial<
    Pick<
      UsageRecord,
      | 'cached_tokens'
      | 'cache_write_tokens'
      | 'cache_write_1h_tokens'
      | 'prompt_audio_tokens'
      | 'completion_audio_tokens'
      | 'web_search_calls'
    >
  >;

/** Input of `priceUsage`. */
export interface PriceUsageInput {
  /** The model the provider reported (dated ids such as `gpt-4o-mini-2024-07-18` match). */
  model: string;
  /**
   * The tier that served the request (the response's `service_tier`, not the requested one).
   * Missing: `default` is assumed and the result says so.
   */
  serviceTier?: string | null | undefined;
  /** `openai` (default) or another genai-prices provider id (`anthropic`, `google`). */
  provider?: string | null | undefined;
  /** Anthropic's `usage.inference_geo` as reported: `us` costs 1.1 × the token rates. */
  inferenceGeo?: string | null | undefined;
  /** Vertex AI's `trafficType` as reported: only `ON_DEMAND` has per-token rates here. */
  trafficType?: string | null | undefined;
  usage: PriceableUsage;
  /** When the request was served: selects the prices in force that day. */
  at: Date;
}

/** Why a usage could not be priced. Never priced as $0 instead. */
export type UnpricedReason =
  | 'unknown_model'
  | 'unknown_provider'
  | 'unknown_tier'
  | 'tier_not_offered'
  | 'long_context_not_offered'
  | 'rate_not_listed'
  | 'invalid_tokens';

/** A priced usage: USD amounts and the sources of the rates. */
export interface PricedUsage {
  status: 'priced';
  /** Total in USD (input, cached input, cache writes, output and per-call fees together). */
  usd: number;
  inputUsd: number;
  outputUsd: number;
  /** The tier whose rates were applied. */
  tier: PricedServiceTier;
  /** True when the usage carried no service tier and `default` was assumed. */
  tierAssumed: boolean;
  /** genai-prices' model id the rates belong to (`gpt-4o-mini`). */
  modelId: string;
  /** The service-tier table row applied, for flex, priority and batch. */
  tierRow?: ServiceTierPriceRow;
  /** Per-call fees in USD (web searches), part of `usd`, in neither `inputUsd` nor `outputUsd`. */
  callsUsd?: number;
  /** The multiplier applied to the token rates for where inference ran (Anthropic `us`: 1.1). */
  inferenceGeoMultiplier?: number;
}

/** A usage that could not be priced, with a reason a person can act on. */
export interface UnpricedUsage {
  status: 'unpriced';
  reason: UnpricedReason;
  message: string;
}

/** The result of `priceUsage`. */
export type UsagePrice = PricedUsage | UnpricedUsage;

const tierAliases: Record<string, PricedServiceTier> = {
  default: 'default',
  standard: 'default',
  flex: 'flex',
  priority: 'priority',
  batch: 'batch',
};

/**
 * Prices one usage at the rates of its served service tier on its date: standard rates (and
 * their dated changes and context-length tiers) from `@pydantic/genai-prices`, flex, priority and
 * batch from this package's dated table. An unknown model, provider or tier, or a tier OpenAI
 * does not offer for the model, is `unpriced` with a reason, never $0.
 * @see https://developers.openai.com/api/docs/pricing
 */
export function priceUsage({
  model,
  serviceTier,
  provider,
  inferenceGeo,
  trafficType,
  usage: tokens,
  at,
}: PriceUsageInput): UsagePrice {
  const invalid = findInvalidTokens(tokens);
  if (invalid) return unpriced('invalid_tokens', invalid);
  const tierName = serviceTier ?? 'default';
  const tier = tierAliases[tierName];
  if (!tier) {
    return unpriced(
      'unknown_tier',
      `service tier ${JSON.stringify(tierName)} has no per-token price (scale tier is billed in prepaid units; "auto" is a request setting, not a served tier)`,
    );
  }
  const providerId = provider ?? 'openai';
  if (trafficType != null && !googleStandardTrafficTypes.has(trafficType)) {
    return unpriced(
      'unknown_tier',
      `traffic type ${JSON.stringify(trafficType)} has no per-token price here (Vertex AI bills Provisioned Throughput per reserved unit; Flex PayGo is not in the table of @llm-meter/prices)`,
    );
  }
  const geoMultiplier = inferenceGeo == null ? 1 : anthropicInferenceGeoMultipliers[inferenceGeo];
  if (geoMultiplier === undefined) {
    return unpriced(
      'rate_not_listed',
      `inference_geo ${JSON.stringify(inferenceGeo)} has no price multiplier in @llm-meter/prices (known: ${Object.keys(anthropicInferenceGeoMultipliers).join(', ')})`,
    );
  }
  const usage = toGenaiUsage(tokens);
  let standard: ReturnType<typeof calcPrice>;
  try {
    standard = calcPrice(usage, model, { providerId, timestamp: at });
  } catch (error) {
    return unpriced(
      'invalid_tokens',
      `genai-prices refused the usage of ${model}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!standard) {
    return unpriced(
      providerId === 'openai' ? 'unknown_model' : 'unknown_provider',
      `no price for model ${JSON.stringify(model)} of provider ${JSON.stringify(providerId)} in @pydantic/genai-prices`,
    );
  }
  if (standard.provider.id !== providerId) {
    return unpriced(
      'unknown_provider',
      `provider ${JSON.stringify(providerId)} is not in @pydantic/genai-prices`,
    );
  }
  const modelId = standard.model.id;
  const missingRate = findMissingRate({ tokens, rates: standard.model_price, modelId });
  if (missingRate) return unpriced('rate_not_listed', missingRate);
  const base = { status: 'priced', tierAssumed: serviceTier == null, modelId } as const;
  if (tier === 'default') {
    if (tokens.web_search_calls === undefined && geoMultiplier === 1) {
      return {
        ...base,
        usd: standard.total_price,
        inputUsd: standard.input_price,
        outputUsd: standard.output_price,
        tier,
      };
    }
    // genai-prices adds per-call fees to the total only; keep them apart from token amounts.
    const callsUsd = standard.total_price - standard.input_price - standard.output_price;
    const inputUsd = standard.input_price * geoMultiplier;
    const outputUsd = standard.output_price * geoMultiplier;
    return {
      ...base,
      usd: inputUsd + outputUsd + callsUsd,
      inputUsd,
      outputUsd,
      tier,
      callsUsd,
      ...(geoMultiplier === 1 ? {} : { inferenceGeoMultiplier: geoMultiplier }),
    };
  }
  if (providerId !== 'openai' || geoMultiplier !== 1) {
    return unpriced(
      'tier_not_offered',
      `no ${tier} price for ${modelId} (${model}) of provider ${JSON.stringify(providerId)}: the tier table of @llm-meter/prices lists OpenAI's tiers only`,
    );
  }
  const row = providerId === 'openai' ? findServiceTierPrice({ tier, modelId }) : undefined;
  if (!row) {
    return unpriced(
      'tier_not_offered',
      `no ${tier} price for ${modelId} (${model}): OpenAI does not list it, or the table in @llm-meter/prices lacks it`,
    );
  }
  if (row.maxPromptTokens !== undefined && tokens.prompt_tokens > row.maxPromptTokens) {
    return unpriced(
      'long_context_not_offered',
      `${tier} rates of ${modelId} exclude prompts over ${row.maxPromptTokens} tokens (this one has ${tokens.prompt_tokens})`,
    );
  }
  if ('multiplier' in row.price) {
    const { multiplier } = row.price;
    return {
      ...base,
      usd: standard.total_price * multiplier,
      inputUsd: standard.input_price * multiplier,
      outputUsd: standard.output_price * multiplier,
      tier,
      tierRow: row,
    };
  }
  // Absolute rates: let genai-prices do the arithmetic on a one-model provider.
  const { rates } = row.price;
  const tierModel: ModelInfo = {
    id: modelId,
    match: { equals: model },
    prices: {
      input_mtok: rates.inputMtok,
      cache_read_mtok: rates.cachedInputMtok,
      output_mtok: rates.outputMtok,
    },
  };
  const tierProvider: Provider = {
    id: `${providerId}-${tier}`,
    name: `${providerId} ${tier}`,
    api_pattern: '.*',
    models: [tierModel],
  };
  const priced = calcPrice(usage, model, { provider: tierProvider, timestamp: at });
  if (!priced) {
    return unpriced('tier_not_offered', `no ${tier} price for ${modelId} (${model})`);
  }
  return {
    ...base,
    usd: priced.total_price,
    inputUsd: priced.input_price,
    outputUsd: priced.output_price,
    tier,
    tierRow: row,
  };
}

const pricedFields = [
  'prompt_tokens',
  'completion_tokens',
  'cached_tokens',
  'cache_write_tokens',
  'cache_write_1h_tokens',
  'prompt_audio_tokens',
  'completion_audio_tokens',
  'web_search_calls',
] as const satisfies ReadonlyArray<keyof PriceableUsage>;

function toGenaiUsage(tokens: PriceableUsage): Usage {
  const usage: Usage = {
    input_tokens: tokens.prompt_tokens,
    output_tokens: tokens.completion_tokens,
  };
  if (tokens.cached_tokens) usage.cache_read_tokens = tokens.cached_tokens;
  if (tokens.cache_write_tokens) usage.cache_write_tokens = tokens.cache_write_tokens;
  // The rest of the cache writes (5-minute, or not split by lifetime) is at the cache-write rate.
  if (tokens.cache_write_1h_tokens) usage.cache_write_1h_tokens = tokens.cache_write_1h_tokens;
  if (tokens.web_search_calls) usage.web_searches = tokens.web_search_calls;
  if (tokens.prompt_audio_tokens) usage.input_audio_tokens = tokens.prompt_audio_tokens;
  if (tokens.completion_audio_tokens) usage.output_audio_tokens = tokens.completion_audio_tokens;
  return usage;
}

function findInvalidTokens(tokens: PriceableUsage): string | undefined {
  for (const name of pricedFields) {
    const value = tokens[name];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      return `usage.${name} must be a non-negative integer, got ${JSON.stringify(value)}`;
    }
  }
  const cached = tokens.cached_tokens ?? 0;
  const cacheWrite = tokens.cache_write_tokens ?? 0;
  if (cached + cacheWrite > tokens.prompt_tokens) {
    return `cached (${cached}) plus cache-write (${cacheWrite}) tokens exceed prompt tokens (${tokens.prompt_tokens})`;
  }
  const cacheWrite1h = tokens.cache_write_1h_tokens ?? 0;
  if (cacheWrite1h > cacheWrite) {
    return `1-hour cache-write tokens (${cacheWrite1h}) exceed cache-write tokens (${cacheWrite})`;
  }
  return undefined;
}

/**
 * A usage the model's rates cannot price in full: 1-hour cache writes or web searches on a model
 * genai-prices has no such rate for would otherwise be priced at another rate, or at $0.
 */
function findMissingRate({
  tokens,
  rates,
  modelId,
}: {
  tokens: PriceableUsage;
  rates: Record<string, unknown>;
  modelId: string;
}): string | undefined {
  if (tokens.cache_write_1h_tokens && rates.cache_write_1h_mtok === undefined) {
    return `${modelId} has no 1-hour cache-write rate in @pydantic/genai-prices (${tokens.cache_write_1h_tokens} tokens)`;
  }
  if (tokens.web_search_calls && rates.web_searches_kcount === undefined) {
    return `${modelId} has no web-search rate in @pydantic/genai-prices (${tokens.web_search_calls} searches)`;
  }
  return undefined;
}

function unpriced(reason: UnpricedReason, message: string): UnpricedUsage {
  return { status: 'unpriced', reason, message };
}
