import { APICallError } from '@ai-sdk/provider';
import { BudgetExceededError, type Reservation } from '@llm-meter/budget-gate';
import { journalBudgetRefusal } from '@llm-meter/metering';
import type { MeterMiddlewareOptions } from './meter-middleware-options.js';

/**
 * Books a call's worst case against the subject's budget before it is sent. A subject over
 * quota is refused with the AI SDK's own `APICallError` (status 429, code `insufficient_quota`,
 * not retryable, the gate's error as `cause`), so callers handle it as they handle a provider's
 * refusal; a budget that cannot be read refuses with status 503 (retryable).
 * A refusal over quota is first journaled in the outbox as a refusal event (`llm_refusal`), so
 * the customer's refusals are counted, never as tokens; a failure to journal it goes to
 * `refusals.onError` and never changes the error thrown.
 * @see https://ai-sdk.dev/docs/reference/ai-sdk-errors/ai-api-call-error
 */
export async function reserveBudget({
  budget,
  feature,
  subject,
  request,
  provider,
  url,
  requestedModel,
  refusals,
}: {
  budget: NonNullable<MeterMiddlewareOptions['budget']>;
  feature: string | undefined;
  subject: string;
  request: Record<string, unknown>;
  provider: string;
  /** What the refused call would have reached, for the error (`<provider>:<model>`). */
  url: string;
  requestedModel: string;
  /** Where a refusal's event is journaled: the middleware's outbox and envelope options. */
  refusals: Pick<MeterMiddlewareOptions, 'outbox' | 'generateId' | 'now' | 'source'> & {
    onError: (error: unknown) => void;
  };
}): Promise<Reservation> {
  try {
    return await budget.reserve({ subject, feature, request, provider });
  } catch (error) {
    const overQuota = error instanceof BudgetExceededError;
    journalBudgetRefusal({
      outbox: refusals.outbox,
      error,
      request: { model: requestedModel },
      envelope: { ...refusals, provider },
      onError: refusals.onError,
    });
    const reason = error instanceof Error ? error.message : String(error);
    throw new APICallError({
      message: overQuota
        ? `llm-meter refused the call before sending it: ${reason}`
        : `llm-meter could not check the budget, so the call was not sent: ${reason}`,
      url,
      requestBodyValues: request,
      statusCode: overQuota ? 429 : 503,
      isRetryable: !overQuota,
      data: {
        error: {
          type: overQuota ? 'insufficient_quota' : 'budget_unavailable',
          code: overQuota ? 'insufficient_quota' : 'budget_unavailable',
          message: reason,
        },
      },
      cause: error,
    });
  }
}
