export { anthropicEventReader } from './anthropic-event-reader.js';
export {
  type AbortGrace,
  type AbortGraceSleep,
  createAbortGrace,
  defaultAbortGraceMs,
  maxAbortGraces,
} from './create-abort-grace.js';
export { type CallJournal, createCallJournal } from './create-call-journal.js';
export { createSettlementEvent } from './create-settlement-event.js';
export {
  createStreamJournal,
  type JournaledStreamMeter,
  type StreamChunkReader,
  type StreamJournal,
} from './create-stream-journal.js';
export {
  createUsageSettler,
  type SettlementResult,
  type UsageSettler,
  type UsageSettlerOptions,
} from './create-usage-settler.js';
export { geminiChunkReader } from './gemini-chunk-reader.js';
export { isConnectFailure } from './is-connect-failure.js';
export { journalBudgetRefusal } from './journal-budget-refusal.js';
export { meterAnthropicStreamIntoOutbox } from './meter-anthropic-stream-into-outbox.js';
export { chatChunkReader, meterChatStreamIntoOutbox } from './meter-chat-stream-into-outbox.js';
export { meterGeminiStreamIntoOutbox } from './meter-gemini-stream-into-outbox.js';
export {
  meterResponsesStreamIntoOutbox,
  responsesEventReader,
} from './meter-responses-stream-into-outbox.js';
export {
  currentMeterScope,
  type MeterScope,
  MeterScopeError,
  withMeterScope,
  withSubject,
} from './meter-scope.js';
export type {
  MeterStreamIntoOutboxOptions,
  StreamUsageDetails,
} from './meter-stream-into-outbox-options.js';
export { MeterSubjectError } from './meter-subject-error.js';
export { openPendingCall } from './open-pending-call.js';
export { type MeterEnvelopeOptions, resolveMeterEnvelope } from './resolve-meter-envelope.js';
export type { RetrieveResult, SettlementClient } from './retrieve-exact-usage.js';
export type { SettlementOutcome } from './settlement-journal.js';
