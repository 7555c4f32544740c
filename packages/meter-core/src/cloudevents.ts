// `@llm-meter/meter-core/cloudevents`: the one check of a CloudEvent as OpenMeter ingests it,
// shared by the OpenMeter client, the outbox and openmeter-local. Its own entry point, so that
// they load a few hundred lines instead of the tokenizer.

export type { CloudEventIssue } from './cloudevents/cloud-event-error.js';
export { CloudEventError } from './cloudevents/cloud-event-error.js';
export type {
  ParsedCloudEvent,
  SafeParseCloudEventResult,
} from './cloudevents/parse-cloud-event.js';
export { parseCloudEvent, safeParseCloudEvent } from './cloudevents/parse-cloud-event.js';
export type { SafeParseRfc3339Result } from './cloudevents/parse-rfc3339.js';
export { parseRfc3339, safeParseRfc3339 } from './cloudevents/parse-rfc3339.js';
