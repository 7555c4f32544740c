import type { UsageEvent } from '@llm-meter/meter-core';
import { priceUsage, type UsagePrice } from './price-usage.js';

/**
 * Prices a usage event at the rates of the tier that served it (`data.service_tier`), on the day
 * of its `time`: cached input tokens at the cached rate, cache-write tokens where reported,
 * reasoning tokens as output, Anthropic's 1-hour cache writes and web searches at their rates,
 * its `inference_geo` and Vertex AI's `traffic_type` as reported. Events without `service_tier`
 * are priced at `default` and say so (`tierAssumed`); events without `provider` are taken to be
 * OpenAI's. Anthropic's and Gemini's `standard` tier is `default`.
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-service_tier
 */
export function priceUsageEvent(event: Pick<UsageEvent, 'time' | 'data'>): UsagePrice {
  const { data } = event;
  const serviceTier = typeof data.service_tier === 'string' ? data.service_tier : undefined;
  const provider = typeof data.provider === 'string' ? data.provider : undefined;
  const inferenceGeo = typeof data.inference_geo === 'string' ? data.inference_geo : undefined;
  const trafficType = typeof data.traffic_type === 'string' ? data.traffic_type : undefined;
  const at = new Date(event.time);
  if (Number.isNaN(at.getTime())) {
    return {
      status: 'unpriced',
      reason: 'invalid_tokens',
      message: `event time ${JSON.stringify(event.time)} is not an RFC 3339 timestamp`,
    };
  }
  return priceUsage({
    model: data.model,
    serviceTier,
    provider,
    inferenceGeo,
    trafficType,
    at,
    usage: data,
  });
}
