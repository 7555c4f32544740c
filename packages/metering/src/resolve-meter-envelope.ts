import type { DimensionValue, StreamMeterOptions } from '@llm-meter/meter-core';
import { currentMeterScope } from './meter-scope.js';
import { MeterSubjectError } from './meter-subject-error.js';

/** The settings of a metered client or middleware that every one of its calls' events carries. */
export type MeterEnvelopeOptions = Pick<
  StreamMeterOptions,
  'dimensions' | 'source' | 'type' | 'provider' | 'encoding' | 'now'
>;

/**
 * The envelope of one metered call's events (what the SDK wrappers and the AI SDK middleware
 * share): who pays is the call's own subject, else the enclosing `withSubject` /
 * `withMeterScope`, else `defaultSubject`; dimensions are merged options, then scope, then the
 * call's (the later win). Throws {@link MeterSubjectError} with `missingSubject` as its message
 * when none names a non-empty subject, so nothing is ever billed to nobody.
 * @see https://openmeter.io/docs/metering/events/usage-events
 */
export function resolveMeterEnvelope({
  call,
  options,
  defaultSubject,
  missingSubject,
}: {
  /** What the call itself says (a request header, the AI SDK's `providerOptions`). */
  call?:
    | {
        subject?: string | undefined;
        dimensions?: Readonly<Record<string, DimensionValue>> | undefined;
      }
    | undefined;
  options: MeterEnvelopeOptions;
  defaultSubject: string | undefined;
  /** The error's message: where a subject can be given. */
  missingSubject: string;
}): StreamMeterOptions {
  const scope = currentMeterScope();
  const subject = call?.subject ?? scope?.subject ?? defaultSubject;
  if (subject === undefined || subject.trim() === '') throw new MeterSubjectError(missingSubject);
  const dimensions =
    options.dimensions === undefined &&
    scope?.dimensions === undefined &&
    call?.dimensions === undefined
      ? undefined
      : { ...options.dimensions, ...scope?.dimensions, ...call?.dimensions };
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
