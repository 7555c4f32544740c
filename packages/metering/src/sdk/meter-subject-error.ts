/**
 * Thrown before a call is sent when nothing says who pays for it: no `x-llm-meter-subject`
 * header, no `withSubject` / `withMeterScope` around the call, no `defaultSubject`.
 */
export class MeterSubjectError extends Error {
  override name = 'MeterSubjectError';
}
