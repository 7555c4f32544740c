import { parseNonEmptyString } from './create-usage-event.js';
import {
  defaultTokenTypeEventType,
  type TokenType,
  type TokenTypeEvent,
  type UsageEvent,
} from './usage-event.js';

/**
 * Splits a usage event into OpenMeter's LLM-guide shape, one event per token type: `input`
 * (prompt minus cached), `cached_input`, `output` (completion, reasoning included). Their tokens
 * sum to `total_tokens`; zero-token types are left out; ids are `${id}:${type}`, so a replay
 * yields the same events.
 * @see https://openmeter.io/docs/metering/guides/common-examples
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
    cache_write_tokens: _cacheWrite,
    prompt_audio_tokens: _promptAudio,
    completion_audio_tokens: _completionAudio,
    accepted_prediction_tokens: _accepted,
    rejected_prediction_tokens: _rejected,
    ...rest
  } = event.data;
  const counts: ReadonlyArray<readonly [TokenType, number]> = [
    ['input', prompt_tokens - cached_tokens],
    ['cached_input', cached_tokens],
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
