import type { StreamMeterOptions, UsageEvent } from '@llm-meter/meter-core';
import type { JournaledStreamMeter, StreamChunkReader } from '@llm-meter/metering';
import type { CallOptionsLike } from '../ai-sdk-types.js';

/**
 * How the middleware meters one AI SDK provider from the provider's own wire data: its raw
 * stream chunks (the SDK's `raw` parts) through meter-core's stream meter and metering's chunk
 * reader, and its raw response body through meter-core's mapping, so cache writes, reasoning
 * and service tiers are exact. One adapter per provider API; nothing else asks which provider.
 * @see https://ai-sdk.dev/docs/ai-sdk-core/middleware
 */
export interface AiSdkProviderAdapter {
  /** meter-core's provider id (`openai`, `anthropic`, `google`), for budgets. */
  readonly provider: string;
  /** The header upstream names the request by, read before the first chunk. */
  readonly requestIdHeader: string;
  /**
   * The request body the provider would be sent, from the AI SDK's neutral prompt: the estimate
   * journaled before the call is sent (the SDK hands over the real body only once it answers).
   */
  requestOf(input: { params: CallOptionsLike; modelId: string }): Record<string, unknown>;
  /** The provider's push stream meter over its raw chunks, estimating from `request`. */
  createMeter(input: {
    request: Record<string, unknown>;
    modelId: string;
    options: StreamMeterOptions;
  }): JournaledStreamMeter<unknown>;
  /** Reads the provider's raw chunks for the journal. */
  readonly reader: StreamChunkReader<unknown>;
  /** The usage event of a blocking answer, from the provider's raw response body. */
  eventOf(input: {
    body: unknown;
    request: Record<string, unknown>;
    modelId: string;
    options: StreamMeterOptions;
  }): UsageEvent;
}
