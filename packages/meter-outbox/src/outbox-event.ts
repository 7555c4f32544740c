import type { ParsedCloudEvent } from '@llm-meter/meter-core/cloudevents';

/**
 * The CloudEvent the outbox journals and delivers, checked before journaling (meter-core's
 * `parseCloudEvent`): `time` is an RFC 3339 string, or absent until `enqueue` stamps it; the
 * other optional fields (`data`, ...) pass through untouched. Structurally compatible with the
 * client's `OpenMeterEvent`.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#required-attributes
 */
export interface OutboxEvent extends Omit<ParsedCloudEvent, 'specversion'> {
  // Wider than the parsed `'1.0'`: the client's `OpenMeterEvent` (and events journaled by
  // earlier versions) type it as a string, and the check refuses anything but `1.0` anyway.
  specversion: string;
}

/**
 * An event as `enqueue`, `openStream` and a stream handle's `update`/`complete` accept it: an
 * {@link OutboxEvent} whose `time` may also be a `Date` (journaled and delivered as its RFC 3339
 * string), e.g. `new Date(completion.created * 1000)`.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#time
 */
export type OutboxEventInput = Omit<OutboxEvent, 'time'> & {
  time?: Date | string | null | undefined;
};

/**
 * What the outbox needs from an OpenMeter client: batch ingest that resolves on 2xx and rejects
 * with an error carrying `status`, `isRetryable`, `retryAfterMs` and `problem` when it can. The
 * outbox passes `{ retry: false }`: one attempt per call, it retries itself.
 * `createOpenMeterClient({ baseUrl, apiKey })` fits as is.
 * @see https://openmeter.io/docs/api/cloud#tag/events/operation/ingestEvents
 */
export interface OutboxIngestClient {
  events: { ingest(events: OutboxEvent[], options?: { retry?: false }): Promise<void> };
}
