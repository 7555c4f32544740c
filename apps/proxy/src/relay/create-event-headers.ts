import type { UsageEvent } from '@llm-meter/meter-core';

/** The response header naming the usage event of the request (its id in OpenMeter). */
export const eventIdHeader = 'x-llm-meter-event-id';
/**
 * A stream's response header naming the id the proxy bills it under until upstream's answer
 * names its own: sent when upstream sent no request id header (Gemini sends none), so that a
 * stream cut before its first chunk is billed under an id its caller holds.
 */
export const requestIdHeader = 'x-llm-meter-request-id';
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
  fallbackId,
}: {
  /** The metered event of a blocking answer. */
  event?: UsageEvent | undefined;
  /** The event id known before the answer (an `id` override). */
  id?: string | undefined;
  /** A stream's id until its answer names one, when upstream sent no request id. */
  fallbackId?: string | undefined;
}): Record<string, string> {
  if (event) return { [eventIdHeader]: event.id, [usageSourceHeader]: event.data.usage_source };
  if (id !== undefined) return { [eventIdHeader]: id };
  return fallbackId === undefined ? {} : { [requestIdHeader]: fallbackId };
}
