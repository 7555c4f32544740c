import type { UsageEvent } from '@llm-meter/meter-core';

/** The response header naming the usage event of the request (its id in OpenMeter). */
export const eventIdHeader = 'x-llm-meter-event-id';
/** The response header saying where the event's numbers come from (`provider`, `estimated`). */
export const usageSourceHeader = 'x-llm-meter-usage-source';

/**
 * The headers that let a caller find its own usage event: its id and, once metered, its usage
 * source. A stream's headers go out before its usage is known: they carry the id only when it is
 * known then (generated ids), never the source.
 */
export function createEventHeaders({
  event,
  id,
}: {
  /** The metered event of a blocking answer. */
  event?: UsageEvent | undefined;
  /** The event id known before the answer (an `id` override). */
  id?: string | undefined;
}): Record<string, string> {
  if (event) return { [eventIdHeader]: event.id, [usageSourceHeader]: event.data.usage_source };
  return id === undefined ? {} : { [eventIdHeader]: id };
}
