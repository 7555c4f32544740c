import {
  type CloudEvent,
  type DimensionValue,
  defaultProvider,
  defaultUsageEventSource,
} from './usage-event.js';

/**
 * CloudEvents `type` of refusal events: a call the budget gate refused before it was sent. No
 * usage meter reads it (they read `openai` and `prompt`), so a refusal is never counted as
 * tokens nor priced; `llm_budget_refusals` counts it.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#type
 */
export const refusalEventType = 'llm_refusal';

/**
 * Data of a refusal event: the feature whose budget refused the call, the units the call would
 * have booked, what was available and the budget, and whose model it was for. It carries no
 * token counts: nothing was sent, nothing was used.
 */
export interface RefusalEventData {
  [dimension: string]: DimensionValue | undefined;
  /** Why the call was refused: over the budget (`BudgetExceededError`). */
  reason: 'over_quota';
  feature: string;
  provider: string;
  /** The model the refused request named, when it named one. */
  requested_model?: string | undefined;
  /** The worst case the call would have booked (units of the feature, tokens by default). */
  requested_units: number;
  /** What was left of the budget when the call was refused. */
  available_units: number;
  /** The budget of the current usage period. */
  limit_units: number;
}

/** A refusal event (`type: "llm_refusal"`). */
export type RefusalEvent = CloudEvent<RefusalEventData>;

/**
 * Builds the event of a call refused over budget, for the same outbox as usage events. `id` is
 * the caller's (one per refused call, kept across retries of its delivery), `now` the clock.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md
 */
export function createRefusalEvent({
  id,
  subject,
  feature,
  requestedUnits,
  availableUnits,
  limitUnits,
  provider = defaultProvider,
  requestedModel,
  source = defaultUsageEventSource,
  now,
}: {
  id: string;
  subject: string;
  feature: string;
  requestedUnits: number;
  availableUnits: number;
  limitUnits: number;
  /** Whose API the refused call was for. Default `openai`. */
  provider?: string | undefined;
  requestedModel?: string | null | undefined;
  /** CloudEvents `source`. Default `llm-meter`. */
  source?: string | undefined;
  now: () => Date;
}): RefusalEvent {
  for (const [field, value] of [
    ['id', id],
    ['subject', subject],
    ['feature', feature],
  ] as const) {
    if (!value)
      throw new TypeError(`createRefusalEvent needs \`${field}\`, got ${JSON.stringify(value)}`);
  }
  return {
    specversion: '1.0',
    id,
    source,
    type: refusalEventType,
    subject,
    time: now().toISOString(),
    datacontenttype: 'application/json',
    data: {
      reason: 'over_quota',
      feature,
      provider,
      ...(requestedModel ? { requested_model: requestedModel } : {}),
      requested_units: requestedUnits,
      available_units: availableUnits,
      limit_units: limitUnits,
    },
  };
}
