import { BudgetExceededError, BudgetUnavailableError } from '@llm-meter/budget-gate';

/**
 * The line printed for a call the budget gate refused, or undefined when `error` is no refusal.
 * Nothing was sent upstream for such a call, so nothing was billed or metered.
 */
export function formatRefusal({
  subject,
  error,
}: {
  subject: string;
  error: unknown;
}): string | undefined {
  if (error instanceof BudgetExceededError) {
    return `${subject}  refused before the call: over its budget of ${error.limit} tokens (used ${error.used}, this call may use up to ${error.requested}) — no tokens spent`;
  }
  if (error instanceof BudgetUnavailableError) {
    return `${subject}  refused before the call: ${error.message} — no tokens spent`;
  }
  return undefined;
}
