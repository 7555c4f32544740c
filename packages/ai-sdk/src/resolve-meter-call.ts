import type { DimensionValue, StreamMeterOptions } from '@llm-meter/meter-core';
import { MeterSubjectError, resolveMeterEnvelope } from '@llm-meter/metering';
import type { JsonRecord } from './ai-sdk-types.js';
import type { MeterMiddlewareOptions } from './meter-middleware-options.js';

/**
 * The envelope of one call's events: the subject from `providerOptions.llmMeter.subject`, else
 * the enclosing `withSubject` / `withMeterScope`, else `options.subject`; dimensions merged in
 * that order (the call's win). Throws `MeterSubjectError` when none names a subject.
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
  const callSubject = call?.subject;
  if (callSubject !== undefined && (typeof callSubject !== 'string' || callSubject.trim() === '')) {
    throw new MeterSubjectError(
      `providerOptions.llmMeter.subject must be a non-empty string (the customer to bill), got ${JSON.stringify(callSubject)}`,
    );
  }
  return resolveMeterEnvelope({
    call: {
      subject: callSubject as string | undefined,
      dimensions:
        typeof call?.dimensions === 'object' && call.dimensions !== null
          ? (call.dimensions as Record<string, DimensionValue>)
          : undefined,
    },
    options,
    defaultSubject: options.subject,
    missingSubject:
      'no subject for this call: pass providerOptions: { llmMeter: { subject: customerId } }, wrap the call in withSubject(customerId, () => ...), or set createMeterMiddleware({ subject }) for calls that bill a default',
  });
}
