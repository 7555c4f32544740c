export { formatUsd } from './format-usd.js';
export {
  findLlmTokenPrice,
  type LlmTokenPrice,
  type LlmTokenPricing,
  listLlmTokenPrices,
  llmTokenPriceProviders,
} from './llm-token-prices.js';
export {
  type PriceableUsage,
  type PricedUsage,
  type PriceUsageInput,
  priceUsage,
  type UnpricedReason,
  type UnpricedUsage,
  type UsagePrice,
} from './price-usage.js';
export { priceUsageEvent } from './price-usage-event.js';
export {
  type PricedUsageRow,
  type PriceUsageRowInput,
  priceUsageRow,
  totalUsageCost,
  type UsageCostTotal,
} from './price-usage-row.js';
export { describePrices, genaiPricesVersion } from './prices-version.js';
export {
  anthropicInferenceGeoMultipliers,
  googleStandardTrafficTypes,
  providerPriceRulesChecked,
} from './provider-price-rules.js';
export {
  findServiceTierPrice,
  type PricedServiceTier,
  type ServiceTierPriceRow,
  serviceTierPrices,
  serviceTierPricesChecked,
  type TokenRates,
} from './service-tier-prices.js';
