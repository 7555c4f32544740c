/**
 * Thrown before a call is sent when nothing says who pays for it: neither the call itself (the
 * `x-llm-meter-subject` header, `providerOptions.llmMeter.subject`), nor an enclosing
 * `withSubject` / `withMeterScope`, nor the wrapper's default subject.
 */
export class MeterSubjectError extends Error {
  override name = 'MeterSubjectError';
}
