import {
  convertToTokenTypeEvents,
  defaultTokenTypeEventType,
  type UsageEvent,
} from '@llm-meter/meter-core';
import {
  classifyIngestError,
  type OutboxEvent,
  type OutboxIngestClient,
} from '@llm-meter/meter-outbox';

/** Token-type events OpenMeter refused: their usage events were delivered all the same. */
export interface RefusedTokenTypeEvents {
  /** The ids of the usage events whose token-type events were refused. */
  usageEventIds: string[];
  /** OpenMeter's refusal (a non-retryable 4xx), for the message. */
  error: unknown;
}

/**
 * Wraps an ingest client so every usage event (of `usageEventType`) is followed by its
 * token-type events (`convertToTokenTypeEvents`, type `prompt`, ids `${id}:${type}`): the events
 * OpenMeter's feature cost query prices (the `llm_tokens_by_type` meter and the `llm_token_cost`
 * feature), beside the usage events the usage table reads. Used on v3, where the two cost
 * computations are checked against each other.
 *
 * The usage events go first, in a request of their own, so they are delivered, retried or
 * dead-lettered exactly as without this wrapper; the token-type events follow in a second
 * request. A retryable failure of that one throws, and the outbox sends the batch again (the
 * usage events' ids are deduplicated by OpenMeter, the token-type ids are derived from them); a
 * refusal (a non-retryable 4xx) never dead-letters a usage event: the token-type events are sent
 * again per usage event, and those still refused are handed to `onRefused` (the cost check then
 * shows what they lacked).
 * @see https://github.com/openmeterio/openmeter/blob/main/api/v3/openapi.yaml
 */
export function createTokenTypeIngest({
  client,
  usageEventType,
  onRefused,
}: {
  client: OutboxIngestClient;
  /** The apps' usage event type (`LLM_METER_EVENT_TYPE`, `openai` by default). */
  usageEventType: string;
  /** Told of token-type events OpenMeter refused (their usage events were delivered). */
  onRefused?: ((refused: RefusedTokenTypeEvents) => void) | undefined;
}): OutboxIngestClient {
  return {
    events: {
      async ingest(events, options) {
        const groups: Array<{ usageEventId: string; events: OutboxEvent[] }> = [];
        for (const event of events) {
          if (event.type !== usageEventType || !isUsageData(event.data)) continue;
          const split = convertToTokenTypeEvents({
            event: event as unknown as UsageEvent,
            type: defaultTokenTypeEventType,
          }) as unknown as OutboxEvent[];
          if (split.length > 0) groups.push({ usageEventId: event.id, events: split });
        }
        await client.events.ingest(events, options);
        if (groups.length === 0) return;
        const send = (group: typeof groups) =>
          client.events.ingest(
            group.flatMap((entry) => entry.events),
            options,
          );
        try {
          await send(groups);
        } catch (error) {
          if (classifyIngestError(error).kind !== 'reject') throw error;
          // One refused event refuses its request: send each usage event's types apart, so only
          // those OpenMeter refuses are missing from its cost.
          const refused: string[] = [];
          let lastError: unknown = error;
          for (const group of groups) {
            try {
              if (groups.length > 1) await send([group]);
              else throw error;
            } catch (groupError) {
              if (classifyIngestError(groupError).kind !== 'reject') throw groupError;
              refused.push(group.usageEventId);
              lastError = groupError;
            }
          }
          if (refused.length > 0) onRefused?.({ usageEventIds: refused, error: lastError });
        }
      },
    },
  };
}

function isUsageData(data: unknown): boolean {
  if (typeof data !== 'object' || data === null) return false;
  const { prompt_tokens, completion_tokens } = data as Record<string, unknown>;
  return typeof prompt_tokens === 'number' && typeof completion_tokens === 'number';
}
