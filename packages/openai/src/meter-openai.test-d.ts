import type { UsageOutbox } from '@llm-meter/meter-outbox';
import OpenAI6 from 'openai';
import OpenAI7 from 'openai7';
import { describe, expectTypeOf, it } from 'vitest';
import { meterOpenAI } from './meter-openai.js';

declare const outbox: UsageOutbox;

describe('meterOpenAI types', () => {
  it('returns the client of openai 6 with its own type', () => {
    const metered = meterOpenAI(new OpenAI6({ apiKey: 'key' }), { outbox });
    expectTypeOf(metered).toEqualTypeOf<OpenAI6>();
    expectTypeOf(metered.chat.completions.create).toEqualTypeOf<
      OpenAI6['chat']['completions']['create']
    >();
  });

  it('returns the client of openai 7 with its own type', () => {
    const metered = meterOpenAI(new OpenAI7({ apiKey: 'key' }), { outbox });
    expectTypeOf(metered).toEqualTypeOf<OpenAI7>();
    expectTypeOf(metered.responses.create).toEqualTypeOf<OpenAI7['responses']['create']>();
  });

  it('refuses what is not an OpenAI client', () => {
    // @ts-expect-error: no chat, responses or embeddings to meter.
    meterOpenAI({ models: {} }, { outbox });
  });
});
