import type { AnthropicStreamEventLike } from '@llm-meter/meter-core/push';
import type { StreamChunkReader } from './create-stream-journal.js';

/**
 * Reads Anthropic Messages stream events for {@link createStreamJournal}: `message_start` names
 * the stream (`msg_…`), text, thinking and tool-input deltas are billed output, and
 * `message_start` and `message_delta` carry Anthropic's usage.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
export const anthropicEventReader: StreamChunkReader<AnthropicStreamEventLike> = {
  streamIdOf(event) {
    if (event?.type !== 'message_start') return undefined;
    const id = event.message?.id;
    return typeof id === 'string' && id !== '' ? id : undefined;
  },
  generatedTextOf(event) {
    if (event?.type !== 'content_block_delta' || !event.delta) return '';
    const { text, thinking, partial_json: json } = event.delta;
    return (
      (typeof text === 'string' ? text : '') +
      (typeof thinking === 'string' ? thinking : '') +
      (typeof json === 'string' ? json : '')
    );
  },
  carriesUsage: (event) =>
    (event?.type === 'message_start' || event?.type === 'message_delta') &&
    (event.type === 'message_start' ? typeof event.message?.usage : typeof event.usage) ===
      'object',
};
