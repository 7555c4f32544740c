import { randomUUID } from 'node:crypto';
import type { AppConfig } from '@llm-meter/app-kit';
import { BudgetExceededError, createBudgetRefusalEvent } from '@llm-meter/budget-gate';
import type { RefusalEvent } from '@llm-meter/meter-core';

/**
 * Journals the refusal event of a call the budget gate refused over quota (`llm_refusal`,
 * counted by the `llm_budget_refusals` meter, never as tokens), as the proxy and the wrappers
 * do, so the customer's refusals show on the dashboard. Other errors journal nothing.
 */
export function journalRefusal({
  error,
  config,
  provider,
  requestedModel,
  enqueue,
}: {
  error: unknown;
  config: AppConfig;
  /** meter-core's provider id of the refused call. */
  provider: string;
  requestedModel: string;
  enqueue: (event: RefusalEvent) => void;
}): void {
  if (!(error instanceof BudgetExceededError)) return;
  enqueue(
    createBudgetRefusalEvent({
      error,
      id: randomUUID(),
      now: () => new Date(),
      provider,
      requestedModel,
      source: config.eventSource,
    }),
  );
}
