import type { IngestedEvent, ListEventsParams } from '@llm-meter/openmeter-client';

/**
 * Lists every event OpenMeter holds, newest first, a page of 100 at a time (the most one list
 * call returns): each page ends at the time of the oldest event of the one before (`to` is
 * inclusive, so events sharing that time are listed twice and kept once, by id).
 * @see https://openmeter.io/docs/api/cloud#tag/events/GET/api/v1/events
 */
export async function listAllEvents({
  list,
}: {
  list: (query: ListEventsParams) => Promise<IngestedEvent[]>;
}): Promise<IngestedEvent['event'][]> {
  const limit = 100;
  const events = new Map<string, IngestedEvent['event']>();
  let to: string | undefined;
  for (;;) {
    const page = await list({ limit, ...(to === undefined ? {} : { to }) });
    let added = 0;
    for (const { event } of page) {
      const key = `${event.source}\u0000${event.id}`;
      if (events.has(key)) continue;
      events.set(key, event);
      added += 1;
    }
    if (page.length < limit) return [...events.values()];
    const oldest = page.at(-1)?.event.time;
    if (oldest === undefined || oldest === null) return [...events.values()];
    const next = new Date(oldest).toISOString();
    if (added === 0 && next === to)
      throw new Error(
        `more than ${limit} events share the time ${next}: they cannot be listed a page at a time`,
      );
    to = next;
  }
}
