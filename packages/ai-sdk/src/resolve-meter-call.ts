import type { DimensionValue, StreamMeterOptions } from '@llm-meter/meter-core';
import { currentMeterScope } from '@llm-meter/metering';
import type { JsonRecord } from './ai-sdk-types.js';
import type { MeterMiddlewareOptions } from './meter-middleware-options.js';

/** Thrown before a call is sent when nothing says who pays for it. */
export class MeterSubjectError extends Error {
  override name = 'MeterSubjectError';
}

/**
 * The envelope of one call's events: the subject from `providerOptions.llmMeter.subject`, else
 * the enclosing `withSubject` / `withMeterScope`, else `options.subject`; dimensions merged in
 * that order (the call's win). Throws {@link MeterSubjectError} when none names a subject.
 * @see https://openmeter.io/docs/metering/events/usage-events
 */
export function resolveMeterCall({
  providerOptions,
  options,
}: {
  providerOptions: Record<string, JsonRecord | undefined> | null | undefined;
  options: MeterMiddlewareOptions;
}): StreamMeterOptions {
  const call = providerOptions?.llmMeter;
  const scope = currentMeterScope();
  const callSubject = call?.subject;
  if (callSubject !== undefined && (typeof callSubject !== 'string' || callSubject.trim() === '')) {
    throw new MeterSubjectError(
      `providerOptions.llmMeter.subject must be a non-empty string (the customer to bill), got ${JSON.stringify(callSubject)}`,
    );
  }
  const subject = callSubject ?? scope?.subject ?? options.subject;
  if (subject === undefined) {
    throw new MeterSubjectError(
      'no subject for this call: pass providerOptions: { llmMeter: { subject: customerId } }, wrap the call in withSubject(customerId, () => ...), or set createMeterMiddleware({ subject }) for calls that bill a default',
    );
  }
  const callDimensions =
    typeof call?.dimensions === 'object' && call.dimensions !== null
      ? (call.dimensions as Record<string, DimensionValue>)
      : undefined;
  const dimensions =
    options.dimensions === undefined &&
    scope?.dimensions === undefined &&
    callDimensions === undefined
      ? undefined
      : { ...options.dimensions, ...scope?.dimensions, ...callDimensions };
  return {
    subject,
    dimensions,
    source: options.source,
    type: options.type,
    provider: options.provider,
    encoding: options.encoding,
    now: options.now ?? (() => new Date()),
  };
}
