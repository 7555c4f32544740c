/**
 * The CloudEvent the outbox carries: the fields it checks before journaling, plus the optional
 * ones (`time`, `data`, ...), which it passes through untouched. Structurally
 * compatible with the client's `OpenMeterEvent`.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#required-attributes
 */
export interface OutboxEvent {
  specversion: string;
  id: string;
  source: string;
  type: string;
  subject: string;
  time?: string | null | undefined;
  datacontenttype?: 'application/json' | null | undefined;
  dataschema?: string | null | undefined;
  data?: { [key: string]: unknown } | null | undefined;
}

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
