export type {
  BilledEndpoint,
  BilledOutcome,
  BilledProvider,
  BilledRequest,
} from './ledger/billed-request.js';
export { usageLedgerFileName } from './ledger/create-usage-ledger.js';
export { findPrice, type PriceRow, priceTable } from './ledger/price-table.js';
export {
  type AnthropicPriceRow,
  anthropicPriceTable,
} from './providers/anthropic/admin-api/anthropic-price-table.js';
export { knownModels, type ModelObject } from './providers/openai/known-models.js';
export type { ServiceTier } from './providers/openai/resolve-service-tier.js';
export {
  createFaultError,
  faultHeaderName,
  type OpenAILocalFault,
  parseFaultHeader,
} from './server/openai-local-fault.js';
export type {
  FaultRequestInfo,
  OpenAILocalLogger,
  OpenAILocalOptions,
  OpenAILocalServer,
} from './server/openai-local-options.js';
export { startOpenAILocal } from './server/start-openai-local.js';
