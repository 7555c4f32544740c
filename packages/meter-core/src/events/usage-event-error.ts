/**
 * The one error this package's usage-event code throws for input it refuses: a missing id, a
 * negative or non-integer token count, usage that does not add up. `field` names the offending
 * field as a dotted path (`usage.prompt_tokens`, `options.subject`), so callers can log it and
 * never bill a silently zeroed event.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md
 */
export class UsageEventError extends Error {
  override name = 'UsageEventError' as const;
  /** Dotted path of the field that was refused, e.g. `usage.total_tokens`. */
  readonly field: string;

  constructor({ field, message, cause }: { field: string; message: string; cause?: unknown }) {
    super(`${field}: ${message}`, cause === undefined ? undefined : { cause });
    this.field = field;
  }
}
