import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import type { Stream } from 'openai/streaming';
import { describe, expectTypeOf, it } from 'vitest';
import { meterChatStream } from './meter-chat-stream.js';
import { withStreamUsage } from './with-stream-usage.js';

describe('stream meter types', () => {
  it('withStreamUsage turns a chat request into a streaming one the SDK accepts', () => {
    const request = {
      model: 'gpt-4o-mini',
      messages: [],
    } satisfies ChatCompletionCreateParamsNonStreaming;
    expectTypeOf(withStreamUsage(request)).toExtend<ChatCompletionCreateParamsStreaming>();
    expectTypeOf(withStreamUsage(request).stream_options.include_usage).toEqualTypeOf<true>();
  });

  it('meterChatStream keeps the SDK chunk type', () => {
    const stream = {} as Stream<ChatCompletionChunk>;
    const metered = meterChatStream(stream, {
      request: { model: 'gpt-4o-mini' },
      subject: 's',
      onUsage: () => {},
    });
    expectTypeOf(metered).toEqualTypeOf<AsyncIterableIterator<ChatCompletionChunk>>();
  });
});
