import { parseNonEmptyString } from './create-usage-event.js';
import {
  defaultTokenTypeEventType,
  type TokenType,
  type TokenTypeEvent,
  type UsageEvent,
} from './usage-event.js';

/**
 * Splits a usage event into one event per token type, in OpenMeter's LLM cost vocabulary, so an
 * OpenMeter feature with an LLM unit cost (`tokenTypeProperty: "type"`) prices each at its rate:
 * `input` (prompt tokens neither read from nor written to the cache), `cache_read`,
 * `cache_write` and `output` (reasoning included: OpenAI bills reasoning as output). Their
 * tokens sum to `total_tokens`; zero-token types are left out; ids are `${id}:${type}`, so a
 * replay yields the same events.
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
  const {
    prompt_tokens,
    completion_tokens,
    total_tokens: _total,
    cached_tokens,
    reasoning_tokens: _reasoning,
    cache_write_tokens,
    prompt_audio_tokens: _promptAudio,
    completion_audio_tokens: _completionAudio,
    accepted_prediction_tokens: _accepted,
    rejected_prediction_tokens: _rejected,
    ...rest
  } = event.data;
  const cacheRead = rest.cached_tokens_unknown === true ? 0 : cached_tokens;
  // Each detail count fits in prompt_tokens on its own (checkUsageTokens); clamp their sum too, so
  // the types always add up to the total.
  const cacheWrite = Math.min(cache_write_tokens ?? 0, prompt_tokens - cacheRead);
  const counts: ReadonlyArray<readonly [TokenType, number]> = [
    ['input', prompt_tokens - cacheRead - cacheWrite],
    ['cache_read', cacheRead],
    ['cache_write', cacheWrite],
    ['output', completion_tokens],
  ];
  return counts
    .filter(([, tokens]) => tokens > 0)
    .map(([tokenType, tokens]) => ({
      ...event,
      id: `${event.id}:${tokenType}`,
      type: eventType,
      data: { ...rest, tokens, type: tokenType },
    }));
}
