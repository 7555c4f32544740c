import type { UsageEventEnvelopeOptions } from '../events/create-usage-event.js';
import type { EncodingName } from '../tokenizer/encoding-name.js';

/**
 * How a metered stream ended: read to its end, stopped early by the consumer or an abort
 * signal, or failed with an error.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming
 */
export type StreamEndReason = 'completed' | 'aborted' | 'error';

/**
 * Options of the stream meters: the event envelope (with its `id` override and `provider`), plus
 * what to use when the stream itself cannot tell (no chunk arrived): a fallback id and a clock,
 * both injected because this package never reads the clock or invents ids.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md
 */
export interface StreamMeterOptions extends UsageEventEnvelopeOptions {
  /**
   * Event id used only when no chunk carried one (the stream failed before its first chunk),
   * e.g. your own request id. Without it such a stream cannot be metered and the
   * `UsageEventError` (field `id`) goes to `onUsageError` or the consumer. `id` overrides; this
   * only falls back.
   */
  fallbackId?: string | undefined;
  /** Clock read only when no chunk carried a creation time. */
  now?: (() => Date) | undefined;
  /** Encoding for estimates; defaults to the model's, or `o200k_base` for unknown models. */
  encoding?: EncodingName | undefined;
}
