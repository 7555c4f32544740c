import { splitTokenTypes } from '../usage/split-token-types.js';
import { type TokenType, usageFieldNames } from '../usage/usage-record.js';
import { parseNonEmptyString } from './create-usage-event.js';
import { defaultTokenTypeEventType, type TokenTypeEvent, type UsageEvent } from './usage-event.js';

/**
 * Splits a usage event into one event per token type, in OpenMeter's LLM cost vocabulary, so an
 * OpenMeter feature with an LLM unit cost (`tokenTypeProperty: "type"`) prices each at its rate:
 * `input` (prompt tokens neither read from nor written to the cache), `cache_read`,
 * `cache_write` and `output` (reasoning included: OpenAI bills reasoning as output). Their
 * tokens sum to `total_tokens`; zero-token types are left out; ids are `${id}:${type}`, so a
 * replay yields the same events. A settlement correction (signed differences) keeps its negative
 * types, so the corrected estimate sums to the provider's numbers per type too.
 *
 * An estimate cannot know cache hits (`cached_tokens_unknown: true`): its prompt tokens all go to
 * `input`, an upper bound, and the events carry the flag so a settlement or a query can tell them
 * apart. An estimate of a reasoning model cannot see hidden reasoning
 * (`reasoning_tokens_unknown: true`): its `output` is the visible output, a lower bound, and the
 * events carry that flag too, as they carry `cached_tokens_unknown`.
 * @see https://openmeter.io/docs/billing/entitlements/feature
 */
export function convertToTokenTypeEvents({
  event,
  type = defaultTokenTypeEventType,
}: {
  event: UsageEvent;
  /** CloudEvents `type` of the produced events; defaults to `prompt`. */
  type?: string | undefined;
}): TokenTypeEvent[] {
  const eventType = parseNonEmptyString({ value: type, field: 'options.type' });
  const rest: Record<string, unknown> = { ...event.data };
  for (const field of usageFieldNames) delete rest[field];
  const counts = Object.entries(
    splitTokenTypes({
      usage: event.data,
      cacheReadUnknown: event.data.cached_tokens_unknown === true,
      differences: event.data.usage_source === 'settled',
    }),
  ) as Array<[TokenType, number]>;
  return counts
    .filter(([, tokens]) => tokens !== 0)
    .map(([tokenType, tokens]) => ({
      ...event,
      id: `${event.id}:${tokenType}`,
      type: eventType,
      data: { ...rest, tokens, type: tokenType } as TokenTypeEvent['data'],
    }));
}
