import {
  convertToTokenTypeEvents,
  defaultTokenTypeEventType,
  type UsageEvent,
} from '@llm-meter/meter-core';
import type { OutboxEvent, OutboxIngestClient } from '@llm-meter/meter-outbox';

/**
 * Wraps an ingest client so every usage event (of `usageEventType`) is sent with its token-type
 * events (`convertToTokenTypeEvents`, type `prompt`, ids `${id}:${type}`) in the same batch: the
 * events OpenMeter's feature cost query prices (the `llm_tokens_by_type` meter and the
 * `llm_token_cost` feature), beside the usage events the usage table reads. The ids are derived,
 * so a retried or replayed batch is deduplicated as the usage events are. Used on v3, where the
 * two cost computations are checked against each other.
 * @see https://github.com/openmeterio/openmeter/blob/main/api/v3/openapi.yaml
 */
export function createTokenTypeIngest({
  client,
  usageEventType,
}: {
  client: OutboxIngestClient;
  /** The apps' usage event type (`LLM_METER_EVENT_TYPE`, `openai` by default). */
  usageEventType: string;
}): OutboxIngestClient {
  return {
    events: {
      ingest(events, options) {
        const expanded: OutboxEvent[] = [];
        for (const event of events) {
          expanded.push(event);
          if (event.type !== usageEventType || !isUsageData(event.data)) continue;
          for (const split of convertToTokenTypeEvents({
            event: event as unknown as UsageEvent,
            type: defaultTokenTypeEventType,
          })) {
            expanded.push(split as unknown as OutboxEvent);
          }
        }
        return client.events.ingest(expanded, options);
      },
    },
  };
}

function isUsageData(data: unknown): boolean {
  if (typeof data !== 'object' || data === null) return false;
  const { prompt_tokens, completion_tokens } = data as Record<string, unknown>;
  return typeof prompt_tokens === 'number' && typeof completion_tokens === 'number';
}
