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
export { startOpenAILocal } from './start-openai-local.js';
