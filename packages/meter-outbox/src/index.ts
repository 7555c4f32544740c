export { closeOnSignals } from './close-on-signals.js';
export { createProgressPrinter } from './create-progress-printer.js';
export {
  createUsageOutbox,
  type DrainOptions,
  type DrainProgress,
  type DrainResult,
  type OutboxLogger,
  type OutboxStats,
  type UsageOutbox,
  type UsageOutboxOptions,
  type UsageStreamHandle,
} from './create-usage-outbox.js';
export {
  InvalidUsageEventError,
  OutboxClosedError,
  OutboxFullError,
  OutboxLockedError,
} from './errors.js';
export type {
  DeadLetterNotice,
  DeliveredNotice,
  ErrorNotice,
  OutboxNoticeMap,
  RetryNotice,
  WarningNotice,
} from './outbox-emitter.js';
export type { OutboxEvent, OutboxIngestClient } from './outbox-event.js';
export type { JournalDurability } from './segment-journal.js';
