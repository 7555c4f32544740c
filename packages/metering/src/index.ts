export { meterChatStreamIntoOutbox } from './meter-chat-stream-into-outbox.js';
export { meterResponsesStreamIntoOutbox } from './meter-responses-stream-into-outbox.js';
export type {
  MeterStreamIntoOutboxOptions,
  StreamUsageDetails,
} from './meter-stream-into-outbox-options.js';
