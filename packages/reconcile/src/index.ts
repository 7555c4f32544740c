export {
  compareUsage,
  type DriftMetric,
  type DriftRow,
  driftTokenFields,
  isPastThreshold,
  type UsageComparison,
} from './compare-usage.js';
export { formatDriftTable } from './format-drift-table.js';
export { formatReconcileReport } from './format-reconcile-report.js';
export { formatReconcileVerdict } from './format-reconcile-verdict.js';
export {
  type CreateAnthropicUsageReportInput,
  createAnthropicUsageReport,
} from './providers/anthropic/create-anthropic-usage-report.js';
export { describeAnthropicLimitations } from './providers/anthropic/describe-anthropic-limitations.js';
export { AnthropicAdminError } from './providers/anthropic/fetch-anthropic-report.js';
export {
  type CreateOpenAIUsageReportInput,
  createOpenAIUsageReport,
} from './providers/openai/create-openai-usage-report.js';
export { describeOpenAILimitations } from './providers/openai/describe-openai-limitations.js';
export { OpenAIAdminError } from './providers/openai/fetch-openai-buckets.js';
export { getUsageReportProvider, listUsageReportProviders } from './providers/registry.js';
export {
  type DimensionNames,
  defaultDimensionNames,
  defaultReconcileMeters,
  queryMeteredUsage,
  type ReconcileMeters,
} from './query-metered-usage.js';
export {
  type ReconcileReport,
  type ReconcileUsageInput,
  reconcileUsage,
} from './reconcile-usage.js';
export type {
  MeteredUsageRow,
  ReconcileDimensions,
  ReconciledTokens,
  UsageCounts,
  UsageKey,
  UsageRow,
} from './usage-key.js';
export type {
  ReportedCost,
  UsageReportClient,
  UsageReportProvider,
  UsageReportQuery,
} from './usage-report-client.js';
