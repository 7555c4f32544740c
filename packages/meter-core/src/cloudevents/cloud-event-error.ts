/**
 * One thing wrong with a CloudEvent: the attribute (`subject`, `time`; empty for the event
 * itself) and a sentence saying what is wrong with it.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#required-attributes
 */
export interface CloudEventIssue {
  field: string;
  message: string;
}

/**
 * The one error `parseCloudEvent` throws for an event OpenMeter would refuse. `field` names the
 * first offending attribute (empty when the event is not an object at all), `issues` lists
 * every problem found, in attribute order, so a server can report them all at once.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#required-attributes
 */
export class CloudEventError extends Error {
  override name = 'CloudEventError' as const;
  /** The first offending attribute, e.g. `subject`; empty when the event is not an object. */
  readonly field: string;
  /** Every problem found, the first one naming {@link CloudEventError.field}. */
  readonly issues: readonly CloudEventIssue[];

  constructor({ issues }: { issues: readonly [CloudEventIssue, ...CloudEventIssue[]] }) {
    super(
      `Invalid CloudEvent: ${issues.map((issue) => issue.message).join('; ')}. Fix the event (OpenMeter would refuse it); sending it again unchanged can never succeed.`,
    );
    this.field = issues[0].field;
    this.issues = issues;
  }
}
