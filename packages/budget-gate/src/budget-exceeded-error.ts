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

  constructor(
    input: { subject: string; feature: string; requested: number; available: number },
    options?: { cause?: unknown },
  ) {
    super(
      `${input.subject} is over quota for ${input.feature}: this call may use up to ` +
        `${input.requested} tokens and ${input.available} remain. Raise the entitlement's grant ` +
        'or wait for the usage period to reset.',
      options,
    );
    this.subject = input.subject;
    this.feature = input.feature;
    this.requested = input.requested;
    this.available = input.available;
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
