import type { BudgetRefusal } from '@llm-meter/metering/sdk';

/**
 * OpenAI's error body for a call the budget gate refused, which the openai SDK turns into its
 * own error class: 429 `insufficient_quota` (`RateLimitError`), 403 `budget_unavailable`
 * (`PermissionDeniedError`), 400 `invalid_request_error` (`BadRequestError`).
 * @see https://platform.openai.com/docs/guides/error-codes/api-errors
 */
export function createOpenAIErrorBody({ kind, message }: BudgetRefusal): unknown {
  if (kind === 'invalid_request') {
    return { error: { message, type: 'invalid_request_error', param: null, code: null } };
  }
  const code = kind === 'over_quota' ? 'insufficient_quota' : 'budget_unavailable';
  return { error: { message, type: 'insufficient_quota', param: null, code } };
}
