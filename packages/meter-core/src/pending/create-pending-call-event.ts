import {
  type CloudEvent,
  type DimensionValue,
  defaultUsageEventSource,
  defaultUsageEventType,
  type UsageEndpoint,
} from '../events/usage-event.js';
import type { EncodingName } from '../tokenizer/encoding-name.js';

/** The endpoints whose prompt a pending call can be estimated from at recovery. */
export type PendingCallEndpoint = Extract<
  UsageEndpoint,
  'chat.completions' | 'responses' | 'embeddings' | 'messages' | 'generateContent'
>;

/**
 * What a pending call's record carries in `data.pending_call`: the request as it was received,
 * unparsed, and the envelope its estimate is built with at recovery.
 */
export interface PendingCallData {
  endpoint: PendingCallEndpoint;
  /** The request body, as received (JSON text): counted only at recovery. */
  body: string;
  /** Gemini's model, which is in the URL, not the body. */
  requested_model?: string | undefined;
  source?: string | undefined;
  type?: string | undefined;
  provider?: string | undefined;
  dimensions?: Readonly<Record<string, DimensionValue>> | undefined;
  encoding?: EncodingName | undefined;
}

/** A pending call's journal record: a CloudEvent that is never delivered as it is. */
export type PendingCallEvent = CloudEvent<{ pending_call: PendingCallData }>;

/**
 * Builds the record of a call about to be sent, journaled before it leaves so that a process
 * killed while the request is on its way still bills it: the raw request body and the event's
 * envelope, with no parse and no token count (those would delay the request). Its `id` and
 * `source` are those of the call's later estimate (`options.id`, else `options.fallbackId`), so
 * the estimate replaces it in place. {@link revivePendingCall} turns it into the `crashed`
 * estimate of the prompt when the process died before anything replaced it.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md
 */
export function createPendingCallEvent({
  endpoint,
  body,
  requestedModel,
  options,
  time,
}: {
  endpoint: PendingCallEndpoint;
  body: string;
  requestedModel?: string | undefined;
  /** The envelope the call's stream meter or prompt meter is given. */
  options: {
    subject: string;
    source?: string | undefined;
    type?: string | undefined;
    provider?: string | undefined;
    dimensions?: Readonly<Record<string, DimensionValue>> | undefined;
    id?: string | undefined;
    fallbackId: string;
    encoding?: EncodingName | undefined;
  };
  time: Date;
}): PendingCallEvent {
  return {
    specversion: '1.0',
    id: options.id ?? options.fallbackId,
    source: options.source ?? defaultUsageEventSource,
    type: options.type ?? defaultUsageEventType,
    subject: options.subject,
    time: time.toISOString(),
    datacontenttype: 'application/json',
    data: {
      pending_call: {
        endpoint,
        body,
        requested_model: requestedModel,
        source: options.source,
        type: options.type,
        provider: options.provider,
        dimensions: options.dimensions,
        encoding: options.encoding,
      },
    },
  };
}
