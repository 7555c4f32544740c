import type { BudgetGate } from '@llm-meter/budget-gate';
import type {
  RefusalEvent,
  StreamEndReason,
  UsageEndpoint,
  UsageEvent,
} from '@llm-meter/meter-core';
import type { UsageStreamHandle } from '@llm-meter/meter-outbox';
import type { AbortGraceSleep as Sleep } from '@llm-meter/metering';
import type { Dispatcher } from 'undici';
import type { AccessLog } from './access-log/access-log-entry.js';
import type { ProxyMetrics } from './create-proxy-metrics.js';
import type { MeteredCall, ProviderAdapter, StreamMetering } from './providers/provider-adapter.js';
import type { RequestTimingsObserver } from './relay/create-request-timings.js';
import type { SubjectPolicy } from './resolve-subject.js';
import type { AllowedRoute } from './tenancy/allowed-routes.js';
import type { ObjectOwners } from './tenancy/object-owners.js';

/** One stream's metering: every parsed chunk pushed as it passes, one `finish` at the end. */
export interface StreamMeterSession {
  push(chunk: unknown): void;
  /** Ends the stream's metering; returns the one event it enqueued, if any could be made. */
  finish(reason: StreamEndReason): UsageEvent | undefined;
  /** Drops the stream's journaled record: upstream refused the request and billed nothing. */
  abandon(): void;
  /**
   * Names the stream by upstream's request id (`x-request-id`) until a chunk names it, so a
   * process killed before the first chunk bills it under that id (see `@llm-meter/metering`).
   */
  setFallbackId(input: { fallbackId: string }): void;
}

/**
 * One blocking call's metering, journaled as it is sent: `complete` with the answer's event,
 * `finish` when no answer came (the prompt estimate), `abandon` when upstream refused it.
 */
export interface CallMeterSession extends Pick<StreamMeterSession, 'abandon' | 'setFallbackId'> {
  /** Replaces the journaled record by the answer's event (throws when it cannot be journaled). */
  complete(event: UsageEvent): void;
  /** Ends a call left without an answer; returns its estimate, once journaled, if one could be made. */
  finish(reason: 'aborted' | 'error'): UsageEvent | undefined;
}

/** Where the proxy's usage goes: the outbox, or anything with its three calls. */
export interface ProxyUsageSink {
  /** Journals a finished response's event (throws when it cannot be journaled). */
  enqueue(event: UsageEvent): void;
  /**
   * Journals the event of a call the budget gate refused (`llm_refusal`, counted by
   * `llm_budget_refusals`, never as tokens); throws when it cannot be journaled. Optional: a
   * sink without it does not count refusals.
   */
  enqueueRefusal?(event: RefusalEvent): void;
  /**
   * Journals a call about to be sent, before it is handed to undici: its body as sent, not
   * counted (see `@llm-meter/metering`'s `openPendingCall`). The session opened after the send
   * (`pending` of `openStream` / `openCall`) replaces it; a process killed in between bills its
   * prompt on the next start. Undefined when nothing was journaled.
   */
  openPending(input: {
    endpoint: UsageEndpoint;
    /** The request body sent upstream. */
    body: string;
    /** The model named by the URL (Gemini). */
    requestedModel?: string | undefined;
    envelope: ProxyEventEnvelope & { fallbackId: string };
    now: () => Date;
  }): UsageStreamHandle | undefined;
  /** Starts a stream's crash-safe metering (see `@llm-meter/metering`). */
  openStream(input: {
    /** The provider's stream meter and chunk reader (see the provider's adapter). */
    metering: StreamMetering;
    envelope: ProxyEventEnvelope;
    /** The proxy's clock (`ProxyOptions.now`): dates a stream no chunk of which names a time. */
    now: () => Date;
    /** Upstream keeps the answer: an estimate can be settled against it. */
    retrievable: boolean;
    /** The call's pending record (`openPending`), replaced by the stream's first record. */
    pending?: UsageStreamHandle | undefined;
  }): StreamMeterSession;
  /** Starts a blocking call's crash-safe metering, as it is sent. */
  openCall(input: {
    endpoint: UsageEndpoint;
    /** The provider's prompt meter (see `MeteredCall.promptMeter`); unset: OpenAI's of `endpoint`. */
    promptMeter?: MeteredCall['promptMeter'];
    request: Record<string, unknown>;
    envelope: ProxyEventEnvelope;
    /** The proxy's clock (`ProxyOptions.now`): dates the prompt estimate of a call left unanswered. */
    now: () => Date;
    /** The call's pending record (`openPending`), replaced by the call's first record. */
    pending?: UsageStreamHandle | undefined;
  }): CallMeterSession;
}

/** The CloudEvents envelope fields of one request's usage event. */
export interface ProxyEventEnvelope {
  subject: string;
  source?: string | undefined;
  type?: string | undefined;
  provider?: string | undefined;
  /** Overrides the provider's response id (`LLM_METER_EVENT_IDS=generated`). */
  id?: string | undefined;
  /** Used when the response has no id (embeddings): the upstream request id, or a UUID. */
  fallbackId?: string | undefined;
}

/** Where one provider's calls go, and the proxy's own key for it. */
export interface ProviderUpstream {
  baseUrl: string;
  apiKey?: string | undefined;
}

/** Everything `createProxyApp` is built from. */
export interface ProxyOptions {
  /** Upstream base URL ending in `/v1`, e.g. `https://api.openai.com/v1`. */
  upstreamBaseUrl: string;
  /**
   * The providers served, each on its routes (see `providers/registry.ts`). Default
   * `providerAdapters`: OpenAI.
   */
  providers?: readonly ProviderAdapter[] | undefined;
  /** The proxy's own upstream key; when unset, the caller's `authorization` is passed through. */
  upstreamApiKey?: string | undefined;
  /**
   * The upstream of each other provider by its id (`anthropic`, `google`): its base URL (a host,
   * e.g. `https://api.anthropic.com`) and the proxy's own key for it (unset: the caller's key is
   * passed through). A provider without one is refused with a 502 naming its setting.
   */
  upstreams?: Readonly<Record<string, ProviderUpstream | undefined>> | undefined;
  subjects: SubjectPolicy;
  usage: ProxyUsageSink;
  metrics: ProxyMetrics;
  /** The budget gate; callers over quota get a 429 before upstream is contacted. */
  budget?: { gate: BudgetGate; feature: string } | undefined;
  /** CloudEvents source and type, provider, and `generated` ids per request. */
  events?:
    | {
        source?: string | undefined;
        type?: string | undefined;
        provider?: string | undefined;
        ids?: 'provider' | 'generated' | undefined;
      }
    | undefined;
  /**
   * Pass-through routes forwarded (every other `/v1/*` or `/v1beta/*` path but the metered ones
   * and the isolated stored objects gets a 403). Default: all with callers' keys; for a provider
   * called with the proxy's own key (`upstreamApiKey`, `upstreams.*.apiKey`),
   * `defaultServerKeyRoutes`.
   */
  allowedRoutes?: readonly AllowedRoute[] | undefined;
  /**
   * Who created each stored object (responses, chat completions, files, conversations, Gemini's
   * cached contents, ...), consulted for a provider called with the proxy's own key so a caller
   * reaches only its own. Default: in memory (forgotten at restart).
   */
  objectOwners?: ObjectOwners | undefined;
  /** Largest request body accepted, in bytes. Default 32 MiB. */
  maxBodyBytes?: number | undefined;
  /**
   * Where one line per proxied request goes once it has ended (see `AccessLogEntry`); default
   * none. Never given a key or a body.
   */
  accessLog?: AccessLog | undefined;
  /** Where metering failures and other warnings are reported (keys never appear). */
  logger?: { warn(message: string): void } | undefined;
  /** Where upstream requests go through (undici); default the global dispatcher. */
  dispatcher?: Dispatcher | undefined;
  /**
   * How long upstream is still read after the caller left, in milliseconds, before it is aborted
   * (0: at once). Default 200 (`defaultAbortGraceMs`).
   */
  abortGraceMs?: number | undefined;
  /** The grace's timer; injected by tests. Default `setTimeout` of `node:timers/promises`. */
  sleep?: Sleep | undefined;
  /**
   * The clock of events whose response carries no time (embeddings, a stream cut before its
   * first chunk), handed to the usage sink too. Default `() => new Date()`.
   */
  now?: (() => Date) | undefined;
  generateId?: (() => string) | undefined;
  /**
   * Hears each metered request's timings on its way to the first byte (the bench's breakdown,
   * `LLM_METER_PROXY_TIMINGS_FILE`). Default: none, and nothing is timed.
   */
  onTimings?: RequestTimingsObserver | undefined;
}
