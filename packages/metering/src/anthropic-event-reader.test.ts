import { describe, expect, it } from 'vitest';
import { anthropicEventReader } from './anthropic-event-reader.js';

describe('anthropicEventReader', () => {
  it('names the stream from message_start, bills deltas and sees usage on start and delta', () => {
    const start = { type: 'message_start', message: { id: 'msg_1', usage: { input_tokens: 9 } } };
    expect(anthropicEventReader.streamIdOf(start)).toBe('msg_1');
    expect(anthropicEventReader.carriesUsage(start)).toBe(true);
    const text = { type: 'content_block_delta', delta: { type: 'text_delta', text: 'Hi' } };
    expect(anthropicEventReader.generatedTextOf(text)).toBe('Hi');
    expect(anthropicEventReader.streamIdOf(text)).toBeUndefined();
    expect(
      anthropicEventReader.generatedTextOf({
        type: 'content_block_delta',
        delta: { type: 'input_json_delta', partial_json: '{"a"' },
      }),
    ).toBe('{"a"');
    expect(
      anthropicEventReader.carriesUsage({ type: 'message_delta', usage: { output_tokens: 3 } }),
    ).toBe(true);
    expect(anthropicEventReader.carriesUsage({ type: 'ping' })).toBe(false);
  });
});
