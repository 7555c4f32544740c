export {
  classifyIngestError,
  type IngestFailure,
  type IngestFailureKind,
} from './classify-ingest-error.js';
export { createUsageOutbox } from './create-usage-outbox.js';
export {
  InvalidUsageEventError,
  OutboxClosedError,
  OutboxFullError,
  OutboxLockedError,
  OutboxWriteError,
  type OutboxWriteErrorCode,
} from './errors.js';
export type {
  DeadLetterNotice,
  DeliveredNotice,
  ErrorNotice,
  OutboxNoticeMap,
  RetryNotice,
  WarningNotice,
} from './outbox-emitter.js';
export type { OutboxEvent, OutboxEventInput, OutboxIngestClient } from './outbox-event.js';
export type { JournalDurability } from './segment-journal.js';
export type {
  DrainOptions,
  DrainProgress,
  DrainResult,
  OutboxLogger,
  OutboxStats,
  UsageOutbox,
  UsageOutboxOptions,
  UsageStreamHandle,
} from './usage-outbox-types.js';
