export type { BilledEndpoint, BilledOutcome, BilledRequest } from './billed-request.js';
export { usageLedgerFileName } from './create-usage-ledger.js';
export { knownModels, type ModelObject } from './known-models.js';
export {
  createFaultError,
  faultHeaderName,
  type OpenAILocalFault,
  parseFaultHeader,
} from './openai-local-fault.js';
export type {
  FaultRequestInfo,
  OpenAILocalLogger,
  OpenAILocalOptions,
  OpenAILocalServer,
} from './openai-local-options.js';
export { findPrice, type PriceRow, priceTable } from './price-table.js';
export type { ServiceTier } from './resolve-service-tier.js';
export { startOpenAILocal } from './start-openai-local.js';
