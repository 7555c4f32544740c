export { formatUsd } from './format-usd.js';
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
  compareUsage,
  type DriftMetric,
  type DriftRow,
  isPastThreshold,
  type UsageComparison,
} from './reconcile/compare-usage.js';
export { convertOpenAIUsage } from './reconcile/convert-openai-usage.js';
export {
  defaultOpenAIBaseUrl,
  type FetchOpenAIBucketsInput,
  fetchOpenAIBuckets,
  OpenAIAdminError,
} from './reconcile/fetch-openai-buckets.js';
export { formatDriftTable } from './reconcile/format-drift-table.js';
export { formatReconcileReport } from './reconcile/format-reconcile-report.js';
export type {
  OpenAIBucket,
  OpenAIBucketPage,
  OpenAICostsResult,
  OpenAIUsageCompletionsResult,
} from './reconcile/openai-organization-types.js';
export {
  type DimensionNames,
  defaultDimensionNames,
  defaultReconcileMeters,
  queryMeteredUsage,
  type ReconcileMeters,
} from './reconcile/query-metered-usage.js';
export {
  describeLimitations,
  type ReconcileReport,
  type ReconcileUsageInput,
  reconcileUsage,
} from './reconcile/reconcile-usage.js';
export type {
  MeteredUsageRow,
  ReconcileDimensions,
  UsageCounts,
  UsageKey,
  UsageRow,
} from './reconcile/usage-key.js';
export {
  findServiceTierPrice,
  type PricedServiceTier,
  type ServiceTierPriceRow,
  serviceTierPrices,
  serviceTierPricesChecked,
  type TokenRates,
} from './service-tier-prices.js';
