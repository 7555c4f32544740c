import type Anthropic from '@anthropic-ai/sdk';
import { describe, expectTypeOf, test } from 'vitest';
import { AnthropicStreamMeter } from '../stream/anthropic-stream-meter.js';
import { meterAnthropicStream } from '../stream/meter-anthropic-stream.js';
import { createAnthropicUsageEvent } from './create-anthropic-usage-event.js';

describe('the Anthropic entry points accept what @anthropic-ai/sdk returns and sends', () => {
  const request = {} as Anthropic.Messages.MessageCreateParamsNonStreaming;

  test('a message with its request', () => {
    expectTypeOf(createAnthropicUsageEvent).toBeCallableWith({} as Anthropic.Messages.Message, {
      subject: 's',
      now: () => new Date(),
      request,
    });
  });

  test('a stream of raw events, whole or pushed one by one', () => {
    expectTypeOf(meterAnthropicStream<Anthropic.Messages.RawMessageStreamEvent>).toBeCallableWith(
      {} as AsyncIterable<Anthropic.Messages.RawMessageStreamEvent>,
      { subject: 's', now: () => new Date(), request, onUsage: () => {} },
    );
    expectTypeOf<AnthropicStreamMeter['push']>().toBeCallableWith(
      {} as Anthropic.Messages.RawMessageStreamEvent,
    );
    expectTypeOf(AnthropicStreamMeter).toBeConstructibleWith({
      request: {} as Anthropic.Messages.MessageCreateParamsStreaming,
      options: { subject: 's' },
    });
  });
});
