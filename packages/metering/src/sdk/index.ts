// What the SDK wrappers (@llm-meter/openai, @llm-meter/anthropic, @llm-meter/google-genai) share:
// who pays for a call, its journal from before it is sent to its one event, metered streams of the
// SDK's own class, the budget gate, and the counters.

export { MeterSubjectError } from '../meter-subject-error.js';
export { type BudgetBooking, type BudgetOutcome, bookSdkBudget } from './book-sdk-budget.js';
export { type CallContext, createCallContext } from './call-context.js';
export { type BudgetFetch, type BudgetHold, createBudgetFetch } from './create-budget-fetch.js';
export { createMeteredSdkStream, type SdkStream } from './create-metered-sdk-stream.js';
export { createSdkMetering, type SdkMetering } from './create-sdk-metering.js';
export {
  abandonCall,
  completeCall,
  completeCallWithAnswer,
  endFailedCall,
  estimateCall,
  isAbortError,
  isUnbilledFailure,
  type OpenCall,
} from './end-call-journal.js';
export { meterSdkCall, type SdkCallPlan, type SdkPromise } from './meter-sdk-call.js';
export { meterSdkIterator } from './meter-sdk-iterator.js';
export type { MeterSdkOptions } from './meter-sdk-options.js';
export { type MeteringStats, readMeteringStats } from './metering-stats.js';
export { type SdkRequestOptions, subjectHeader, takeSubjectHeader } from './take-subject-header.js';
export { type BudgetRefusal, toBudgetRefusal } from './to-budget-refusal.js';
