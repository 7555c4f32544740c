import type { BudgetRefusal } from '@llm-meter/metering/sdk';

/**
 * Anthropic's error body for a call the budget gate refused, which the Anthropic SDK turns into
 * its own error class: 429 `rate_limit_error` (`RateLimitError`), 403 `permission_error`
 * (`PermissionDeniedError`), 400 `invalid_request_error` (`BadRequestError`). The message says
 * which it was (`insufficient_quota` or `budget_unavailable`).
 * @see https://docs.anthropic.com/en/api/errors
 */
export function createAnthropicErrorBody({ kind, status, message }: BudgetRefusal): unknown {
  const type =
    status === 429
      ? 'rate_limit_error'
      : status === 403
        ? 'permission_error'
        : 'invalid_request_error';
  const reason = kind === 'over_quota' ? 'insufficient_quota' : kind;
  return { type: 'error', error: { type, message: `${reason}: ${message}` } };
}
