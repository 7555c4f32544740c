import { randomUUID } from 'node:crypto';
import type { BudgetGate } from '@llm-meter/budget-gate';
import type { StreamMeterOptions, UsageEvent } from '@llm-meter/meter-core';
import type { UsageOutbox } from '@llm-meter/meter-outbox';
import { type AbortGraceSleep, defaultAbortGraceMs } from '../create-abort-grace.js';
import { resolveMeterEnvelope } from '../resolve-meter-envelope.js';
import type { MeterSdkOptions } from './meter-sdk-options.js';
import type { MeteringStats } from './metering-stats.js';
import { subjectHeader } from './take-subject-header.js';

/** What every metered call of one client shares: settings, counters, and the failure report. */
export interface CallContext {
  outbox: UsageOutbox;
  budget: { gate: BudgetGate; feature: string } | undefined;
  abortGraceMs: number;
  sleep: AbortGraceSleep | undefined;
  /**
   * The envelope of one call of `method` (`chat.completions.create`, `messages.create`): who
   * pays (header, scope, default), dimensions, a provisional id.
   */
  envelopeOf(input: { headerSubject: string | undefined; method: string }): StreamMeterOptions;
  /** Counts an event that was journaled. */
  counted(event: UsageEvent): void;
  /** Counts and logs what metering could not do; never throws. */
  failed(input: { stage: string; error: unknown }): void;
}

/**
 * Builds the shared context of one metered client from its options: `wrapper` names the
 * function in errors (`meterOpenAI`), `headerHint` says where a call's subject header goes.
 */
export function createCallContext({
  options,
  stats,
  wrapper,
  headerHint = `pass headers: { '${subjectHeader}': customerId } in its request options`,
}: {
  options: MeterSdkOptions;
  stats: MeteringStats;
  wrapper: string;
  headerHint?: string | undefined;
}): CallContext {
  const now = options.now ?? (() => new Date());
  const generateId = options.generateId ?? randomUUID;
  const logger = options.logger ?? console;
  const abortGraceMs = options.abortGraceMs ?? defaultAbortGraceMs;
  if (!Number.isFinite(abortGraceMs) || abortGraceMs < 0) {
    throw new TypeError(
      `${wrapper}: options.abortGraceMs must be a number of milliseconds >= 0, got ${String(abortGraceMs)}`,
    );
  }
  return {
    outbox: options.outbox,
    budget: options.budget,
    abortGraceMs,
    sleep: options.sleep,
    envelopeOf({ headerSubject, method }) {
      return {
        ...resolveMeterEnvelope({
          call: { subject: headerSubject },
          options: { ...options, now },
          defaultSubject: options.defaultSubject,
          missingSubject: `${method}: no subject to bill this call to: wrap the call in withSubject(customerId, () => ...) (@llm-meter/metering), ${headerHint}, or set ${wrapper}'s options.defaultSubject`,
        }),
        fallbackId: generateId(),
      };
    },
    counted(event) {
      if (event.data.usage_source === 'provider') stats.provider += 1;
      else stats.estimated += 1;
    },
    failed({ stage, error }) {
      stats.failures += 1;
      try {
        logger.warn(
          `llm-meter: ${stage}: ${error instanceof Error ? error.message : String(error)} (the call itself went on)`,
        );
      } catch {}
    },
  };
}
