import { ApiError } from '@google/genai';
import type { BudgetRefusal } from '@llm-meter/metering/sdk';

const statusNames = {
  400: 'INVALID_ARGUMENT',
  403: 'PERMISSION_DENIED',
  429: 'RESOURCE_EXHAUSTED',
};

/**
 * The `@google/genai` SDK's own `ApiError` for a call the budget gate refused, its message
 * Google's error body as the SDK reports one: status 429 `RESOURCE_EXHAUSTED` over quota
 * (`insufficient_quota: ...`), 403 `PERMISSION_DENIED` when no entitlement is known
 * (`budget_unavailable: ...`), 400 `INVALID_ARGUMENT` for a request the gate cannot estimate.
 * The message names the setting that refused it (`meterGoogleGenAI`'s `options.budget`).
 * @see https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 */
export function createGenAIBudgetError({
  refusal: { status, kind, message },
  feature,
}: {
  refusal: BudgetRefusal;
  /** The budget's feature (`options.budget.feature`). */
  feature: string;
}): ApiError {
  const reason = kind === 'over_quota' ? 'insufficient_quota' : kind;
  return new ApiError({
    status,
    message: JSON.stringify({
      error: {
        code: status,
        message: `${reason}: ${message} (refused before sending by meterGoogleGenAI's options.budget, feature "${feature}")`,
        status: statusNames[status],
      },
    }),
  });
}
