import { randomUUID } from 'node:crypto';
import { BudgetExceededError, createBudgetRefusalEvent } from '@llm-meter/budget-gate';
import type { RefusalEvent } from '@llm-meter/meter-core';

/**
 * Journals the refusal event (`llm_refusal`) of a call the budget gate refused over quota, so
 * the customer's refusals are counted (`llm_budget_refusals`), never as tokens: what the SDK
 * wrappers, the AI SDK middleware, the proxy and the demo apps share. Any other `error` (a budget
 * that cannot be read) journals nothing. A failure to journal goes to `onError`: the refusal the
 * caller answers with stays the same.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md
 */
export function journalBudgetRefusal({
  outbox,
  error,
  request,
  envelope,
  onError,
}: {
  outbox: { enqueue(event: RefusalEvent): void };
  /** What the budget gate's `reserve` threw. */
  error: unknown;
  /** The refused request; its `model`, when a string, is the event's `requested_model`. */
  request: { readonly model?: unknown };
  envelope: {
    /** meter-core's provider id of the refused call. */
    provider: string;
    /** CloudEvents `source`. Default `llm-meter`. */
    source?: string | undefined;
    /** Default `() => new Date()`. */
    now?: (() => Date) | undefined;
    /** The refusal's event id, one per refused call. Default `crypto.randomUUID`. */
    generateId?: (() => string) | undefined;
  };
  onError: (error: unknown) => void;
}): void {
  if (!(error instanceof BudgetExceededError)) return;
  try {
    outbox.enqueue(
      createBudgetRefusalEvent({
        error,
        id: (envelope.generateId ?? randomUUID)(),
        now: envelope.now ?? (() => new Date()),
        provider: envelope.provider,
        requestedModel: typeof request.model === 'string' ? request.model : undefined,
        source: envelope.source,
      }),
    );
  } catch (caught) {
    onError(caught);
  }
}
