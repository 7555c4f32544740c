import { createRefusalEvent, type RefusalEvent } from '@llm-meter/meter-core';
import type { BudgetExceededError } from './budget-exceeded-error.js';

/**
 * The refusal event of a call the gate refused over quota (`BudgetExceededError`), for the
 * caller's outbox, so the customer's refusals are counted (`llm_budget_refusals`) and never as
 * tokens. `id` is one per refused call; `requestedModel` the model the request named.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md
 */
export function createBudgetRefusalEvent({
  error,
  id,
  now,
  provider,
  requestedModel,
  source,
}: {
  error: BudgetExceededError;
  id: string;
  now: () => Date;
  /** Whose API the refused call was for. Default `openai`. */
  provider?: string | undefined;
  requestedModel?: string | null | undefined;
  /** CloudEvents `source`. Default `llm-meter`. */
  source?: string | undefined;
}): RefusalEvent {
  return createRefusalEvent({
    id,
    subject: error.subject,
    feature: error.feature,
    requestedUnits: error.requested,
    availableUnits: error.available,
    limitUnits: error.limit,
    provider,
    requestedModel,
    source,
    now,
  });
}
