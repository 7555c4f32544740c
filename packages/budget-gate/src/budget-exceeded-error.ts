/**
 * Thrown by `reserve` when a customer's remaining balance, minus what is already reserved and
 * booked, cannot cover the worst case of the call. Nothing was sent upstream.
 * @see https://openmeter.io/docs/billing/entitlements/entitlement
 */
export class BudgetExceededError extends Error {
  override name = 'BudgetExceededError' as const;
  /** The subject (customer) that was refused. */
  readonly subject: string;
  /** The feature key whose entitlement was checked. */
  readonly feature: string;
  /** The worst-case units the call asked to reserve. */
  readonly requested: number;
  /** What was left: balance minus open reservations and booked usage (never negative). */
  readonly available: number;
  /**
   * The subject's budget in the current usage period, as last read from OpenMeter: its usage
   * minus overage plus its balance (the grants the period can burn).
   */
  readonly limit: number;
  /**
   * What counts against `limit`: `limit − available`, i.e. OpenMeter's usage, plus usage settled
   * but not ingested yet, plus other calls in flight.
   */
  readonly used: number;

  constructor(
    input: {
      subject: string;
      feature: string;
      requested: number;
      available: number;
      limit: number;
    },
    options?: { cause?: unknown },
  ) {
    const used = Math.max(0, input.limit - input.available);
    super(
      `${input.subject} is over quota for ${input.feature}: this call may use up to ` +
        `${input.requested} tokens and ${input.available} of its ${input.limit} remain ` +
        `(${used} used or reserved). Raise the entitlement's grant or wait for the usage period ` +
        'to reset.',
      options,
    );
    this.subject = input.subject;
    this.feature = input.feature;
    this.requested = input.requested;
    this.available = input.available;
    this.limit = input.limit;
    this.used = used;
  }
}

/**
 * Thrown by `reserve` when the subject has no entitlement to the feature, or OpenMeter cannot
 * be asked (unless `onUnavailable: 'allow'`). The message says which and what to do.
 */
export class BudgetUnavailableError extends Error {
  override name = 'BudgetUnavailableError' as const;
  readonly subject: string;
  readonly feature: string;

  constructor(
    input: { subject: string; feature: string; message: string },
    options?: { cause?: unknown },
  ) {
    super(input.message, options);
    this.subject = input.subject;
    this.feature = input.feature;
  }
}
