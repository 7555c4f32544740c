import { BudgetExceededError, BudgetUnavailableError } from '@llm-meter/budget-gate';

/**
 * Why the budget gate refused a call, as the HTTP error the provider would have answered:
 * 429 over quota, 403 when no entitlement is known (or the gate could not be asked), 400 for a
 * request the gate cannot estimate. Each SDK wrapper turns it into its SDK's own error.
 */
export interface BudgetRefusal {
  status: 400 | 403 | 429;
  kind: 'over_quota' | 'budget_unavailable' | 'invalid_request';
  message: string;
}

/**
 * Classifies what `BudgetGate.reserve` threw.
 * @see https://platform.openai.com/docs/guides/error-codes/api-errors
 */
export function toBudgetRefusal(error: unknown): BudgetRefusal {
  if (error instanceof BudgetExceededError) {
    return {
      status: 429,
      kind: 'over_quota',
      message: `You exceeded your current quota: ${error.message}`,
    };
  }
  if (error instanceof BudgetUnavailableError) {
    return { status: 403, kind: 'budget_unavailable', message: error.message };
  }
  const message = error instanceof Error ? error.message : String(error);
  if (!(error instanceof TypeError)) {
    return {
      status: 403,
      kind: 'budget_unavailable',
      message: `the budget could not be checked: ${message}`,
    };
  }
  return {
    status: 400,
    kind: 'invalid_request',
    message: `the budget gate cannot estimate this request: ${message}`,
  };
}
