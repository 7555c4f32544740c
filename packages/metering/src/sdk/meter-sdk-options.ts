import type { BudgetGate } from '@llm-meter/budget-gate';
import type { EncodingName } from '@llm-meter/meter-core';
import type { UsageOutbox } from '@llm-meter/meter-outbox';
import type { AbortGraceSleep } from '../create-abort-grace.js';

/**
 * Options of every metered SDK client (`meterOpenAI`, `meterAnthropic`, `meterGoogleGenAI`):
 * where the events go, who pays when no scope says so, and the optional budget gate.
 * @see https://openmeter.io/docs/metering/events/usage-events
 */
export interface MeterSdkOptions {
  /** The outbox every event is journaled in (`createUsageOutbox` of `@llm-meter/meter-outbox`). */
  outbox: UsageOutbox;
  /**
   * Who pays for a call made outside every `withSubject` / `withMeterScope` and without the
   * `x-llm-meter-subject` header. Default: none, and such a call throws `MeterSubjectError`
   * before it is sent.
   */
  defaultSubject?: string | undefined;
  /** Extra string fields added to every event's `data`; a scope's dimensions are merged over them. */
  dimensions?: Readonly<Record<string, string>> | undefined;
  /** CloudEvents `source`; default `llm-meter`. */
  source?: string | undefined;
  /** CloudEvents `type`; default `openai` (the type the shipped meters count, for every provider). */
  type?: string | undefined;
  /** Who serves the calls (`openai`, `azure`, `anthropic`, `bedrock`, `gemini`, ...); default the SDK's provider. */
  provider?: string | undefined;
  /** Encoding of estimates; default the model's, else `o200k_base`. */
  encoding?: EncodingName | undefined;
  /**
   * Refuses a subject over quota before the call, with the SDK's own error for a 429 (openai's
   * and Anthropic's `RateLimitError`, Google Gen AI's `ApiError`), and settles the booking with
   * the call's event.
   */
  budget?: { gate: BudgetGate; feature: string } | undefined;
  /**
   * How long a stream is still read after its caller left (`break`, `return`, an aborted
   * signal, `stream.controller.abort()`), so that an answer upstream has finished is billed with
   * its own usage rather than estimated; while upstream keeps sending, another grace follows, up
   * to `maxAbortGraces` (5) in all. Default 200 ms (`defaultAbortGraceMs`); 0 stops at once.
   */
  abortGraceMs?: number | undefined;
  /** Receives what metering could not do (journal refused, event not built); default `console.warn`. */
  logger?: { warn(message: string): void } | undefined;
  /** Clock of the events' `time` when the response carries none. Default `() => new Date()`. */
  now?: (() => Date) | undefined;
  /** Provisional ids of a call's journaled record before upstream names it. Default `crypto.randomUUID`. */
  generateId?: (() => string) | undefined;
  /** Waits out the abort grace (tests inject it). */
  sleep?: AbortGraceSleep | undefined;
}
