import type OpenAI from 'openai';
import { describe, expectTypeOf, test } from 'vitest';
import { toUsageEvent } from './to-usage-event.js';

describe('toUsageEvent accepts what the openai SDK returns', () => {
  test('chat completions, Responses and embeddings', () => {
    expectTypeOf(toUsageEvent).toBeCallableWith({} as OpenAI.Chat.Completions.ChatCompletion, {
      subject: 's',
    });
    expectTypeOf(toUsageEvent).toBeCallableWith({} as OpenAI.Responses.Response, { subject: 's' });
    expectTypeOf(toUsageEvent).toBeCallableWith({} as OpenAI.Embeddings.CreateEmbeddingResponse, {
      subject: 's',
    });
  });
});
