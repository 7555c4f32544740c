import { convertToTokenTypeEvents } from './convert-to-token-type-events.js';
import type { MeterableResponse } from './response-types.js';
import { type ToUsageEventOptions, toUsageEvent } from './to-usage-event.js';
import type { TokenTypeEvent } from './usage-event.js';

/**
 * Maps a response like {@link toUsageEvent} does, but in the shape of OpenMeter's LLM metering
 * guide: one event per token type (`input`, `cached_input`, `output`) with `type: "prompt"` by
 * default and ids `${responseId}:${tokenType}`. The tokens of one response sum to its total.
 * @see https://openmeter.io/docs/metering/guides/common-examples
 */
export function toTokenTypeEvents(
  response: MeterableResponse,
  options: ToUsageEventOptions,
): TokenTypeEvent[] {
  const { type, ...usageOptions } = options ?? { subject: '' };
  return convertToTokenTypeEvents({ event: toUsageEvent(response, usageOptions), type });
}
