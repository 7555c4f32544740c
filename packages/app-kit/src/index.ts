export { AppConfigError } from './app-config-error.js';
export {
  type CostComparison,
  type CostComparisonRow,
  compareFeatureCost,
  formatCostComparison,
} from './compare-feature-cost.js';
export { connectOpenMeter, type OpenMeterConnection } from './connect-openmeter.js';
export { createAppOutbox } from './create-app-outbox.js';
export { createCustomerIngest } from './create-customer-ingest.js';
export { createEventEnvelope } from './create-event-envelope.js';
export { createTokenTypeIngest } from './create-token-type-ingest.js';
export { type CostFeature, ensureCostFeature } from './ensure-cost-feature.js';
export {
  formatUsageTable,
  priceUsageTableRow,
  type UsageTableRow,
} from './format-usage-table.js';
export {
  type AppConfig,
  type AppDemoDefaults,
  type AppPathVariables,
  type AppProviderConfig,
  appConfigDefaults,
  findRepositoryRoot,
  loadAppConfig,
  type OpenAILocalServeTier,
  usesEmbeddedProvider,
} from './load-app-config.js';
export { openAppOutbox } from './open-app-outbox.js';
export { queryUsageTable } from './query-usage-table.js';
export {
  type AppReconciliation,
  formatAppReconciliation,
  reconcileAppUsage,
} from './reconcile-app-usage.js';
export { refuseKonnectBudgets } from './refuse-konnect-budgets.js';
export { type AppContext, runApp } from './run-app.js';
export {
  type AdminEndpoint,
  type AppProvider,
  type AppServices,
  checkMeters,
  explainOpenMeterError,
  startServices,
  usageTableMeters,
} from './start-services.js';
