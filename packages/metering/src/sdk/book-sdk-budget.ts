import { BudgetExceededError, type BudgetGate } from '@llm-meter/budget-gate';
import type { UsageEvent } from '@llm-meter/meter-core';
import { type BudgetRefusal, toBudgetRefusal } from './to-budget-refusal.js';

/** One call's booked worst case: `settle` it once with the call's event, or `undefined` (nothing billed). */
export interface BudgetBooking {
  settle(event: UsageEvent | undefined): void;
}

/** A call's booking, or why the gate refused it (as the HTTP error the provider would answer). */
export type BudgetOutcome = { booking: BudgetBooking } | { refusal: BudgetRefusal };

/**
 * Books one call's worst case with the budget gate before it is sent: resolves with the booking
 * (settled later with the call's event, so the gate counts what the call used), or with the
 * refusal (`toBudgetRefusal`); a call refused over quota goes to `onRefusal` first, to record its
 * refusal event. Never rejects.
 * @see https://openmeter.io/docs/billing/entitlements/entitlement
 */
export function bookSdkBudget({
  budget,
  subject,
  request,
  provider,
  onRefusal,
  onSettleError,
}: {
  budget: { gate: BudgetGate; feature: string };
  subject: string;
  /** The request about to be sent: its worst case is booked. */
  request: Record<string, unknown>;
  /** Whose API the request is for (meter-core's provider id): how its worst case is counted. */
  provider: string;
  /** A call refused over quota, to record its refusal event. */
  onRefusal: (input: { error: BudgetExceededError; request: Record<string, unknown> }) => void;
  onSettleError: (error: unknown) => void;
}): Promise<BudgetOutcome> {
  return budget.gate.reserve({ subject, feature: budget.feature, request, provider }).then(
    (reservation) => {
      let settled = false;
      return {
        booking: {
          settle(event) {
            if (settled) return;
            settled = true;
            budget.gate.settle({ reservation, event }).catch(onSettleError);
          },
        },
      };
    },
    (error: unknown) => {
      if (error instanceof BudgetExceededError) onRefusal({ error, request });
      return { refusal: toBudgetRefusal(error) };
    },
  );
}
