import {
  BudgetExceededError,
  type BudgetGate,
  BudgetUnavailableError,
} from '@llm-meter/budget-gate';
import type { UsageEvent } from '@llm-meter/meter-core';
import type { ProxyError } from '../providers/provider-adapter.js';

/** A reservation held for one request: `settle` it once with the request's event, or none. */
export interface BudgetHold {
  settle(event: UsageEvent | undefined): void;
}

/**
 * Books a request's worst case against its subject's budget before it is sent: a hold to settle
 * with the request's event, or the refusal (429 over quota, 403 no entitlement, 400 a request the
 * gate cannot estimate). Without a gate, a hold that settles nothing. A failed settlement goes to
 * `onSettleError` and never fails the call. A refusal comes with the gate's error as `cause`, for
 * `journalBudgetRefusal` (a refusal over quota is journaled as an `llm_refusal` event).
 */
export async function reserveBudget({
  budget,
  subject,
  request,
  provider,
  onSettleError,
}: {
  budget: { gate: BudgetGate; feature: string } | undefined;
  subject: string;
  request: Record<string, unknown>;
  /** Whose request it is (meter-core's provider id), for its worst case. */
  provider: string;
  onSettleError: (error: unknown) => void;
}): Promise<
  { success: true; hold: BudgetHold } | { success: false; error: ProxyError; cause: unknown }
> {
  if (!budget) return { success: true, hold: { settle: () => undefined } };
  try {
    const reservation = await budget.gate.reserve({
      subject,
      feature: budget.feature,
      request,
      provider,
    });
    return {
      success: true,
      hold: {
        settle: (event) => {
          budget.gate.settle({ reservation, event }).catch(onSettleError);
        },
      },
    };
  } catch (error) {
    if (error instanceof BudgetExceededError) {
      return {
        success: false,
        error: {
          status: 429,
          message: `You exceeded your current quota: ${error.message}`,
          kind: 'quota',
          code: 'insufficient_quota',
        },
        cause: error,
      };
    }
    if (error instanceof BudgetUnavailableError) {
      return {
        success: false,
        error: { status: 403, message: error.message, kind: 'quota', code: 'budget_unavailable' },
        cause: error,
      };
    }
    if (error instanceof TypeError) {
      return {
        success: false,
        error: { status: 400, message: error.message, kind: 'invalid_request', code: null },
        cause: error,
      };
    }
    throw error;
  }
}
