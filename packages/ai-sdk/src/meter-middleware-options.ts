import type { BudgetGate } from '@llm-meter/budget-gate';
import type { DimensionValue, EncodingName, UsageEvent } from '@llm-meter/meter-core';
import type { UsageOutbox } from '@llm-meter/meter-outbox';

/**
 * Options of {@link createMeterMiddleware} and {@link createMeterEmbeddingMiddleware}.
 * @see https://ai-sdk.dev/docs/ai-sdk-core/middleware
 */
export interface MeterMiddlewareOptions {
  /** Where events are journaled and delivered from (`createUsageOutbox`). */
  outbox: UsageOutbox;
  /**
   * Who pays when a call names no one: neither `providerOptions.llmMeter.subject` nor an
   * enclosing `withSubject` / `withMeterScope`. Without it such a call is refused with a
   * `MeterSubjectError` before it is sent (nothing is ever billed to "unknown").
   */
  subject?: string | undefined;
  /** Extra data fields of every event (under the scope's and the call's). */
  dimensions?: Readonly<Record<string, DimensionValue>> | undefined;
  /** CloudEvents `source`; default `llm-meter`. */
  source?: string | undefined;
  /** CloudEvents `type`; default `openai`, the type the shipped meters count. */
  type?: string | undefined;
  /**
   * Who served the calls (the `provider` field), for OpenAI-compatible servers reached through
   * `@ai-sdk/openai` (`azure`, `ollama`, ...); default: the provider the SDK names.
   */
  provider?: string | undefined;
  /** Encoding of estimates; default the model's, or `o200k_base`. */
  encoding?: EncodingName | undefined;
  /**
   * Refuses a subject over quota before the call is sent, with the AI SDK's `APICallError`
   * (status 429, not retryable); the only await the middleware adds to a call.
   */
  budget?: Pick<BudgetGate, 'reserve' | 'settle'> | undefined;
  /** The entitlement feature the budget checks; default the gate's. */
  feature?: string | undefined;
  /**
   * How long a stream the caller cancelled is still read, so the event carries the provider's
   * own usage when the rest of the answer was already on its way; default 200 ms (`defaultAbortGraceMs` of `@llm-meter/metering`, as the proxy and `@llm-meter/openai`). `0` stops
   * at once (the event is then an `aborted` estimate).
   */
  abortGraceMs?: number | undefined;
  /** Sees every event after it is journaled. */
  onUsage?: ((event: UsageEvent) => void) | undefined;
  /**
   * Receives every metering failure (outbox full or closed, an event that cannot be built); the
   * call goes on. Default: `console.error` with what failed.
   */
  onError?: ((error: unknown) => void) | undefined;
  /** Clock of events whose response has no time; default `() => new Date()`. */
  now?: (() => Date) | undefined;
  /** Makes the provisional id of a call's journal record; default `crypto.randomUUID`. */
  generateId?: (() => string) | undefined;
}
