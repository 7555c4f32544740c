import Anthropic1 from '@anthropic-ai/sdk';
import type { UsageOutbox } from '@llm-meter/meter-outbox';
import Anthropic0 from 'anthropic0';
import { describe, expectTypeOf, it } from 'vitest';
import { meterAnthropic } from './meter-anthropic.js';

declare const outbox: UsageOutbox;

describe('meterAnthropic types', () => {
  it('returns the client of @anthropic-ai/sdk 1 with its own type', () => {
    const metered = meterAnthropic(new Anthropic1({ apiKey: 'key' }), { outbox });
    expectTypeOf(metered).toEqualTypeOf<Anthropic1>();
    expectTypeOf(metered.messages.create).toEqualTypeOf<Anthropic1['messages']['create']>();
    expectTypeOf(metered.messages.stream).toEqualTypeOf<Anthropic1['messages']['stream']>();
  });

  it('returns the client of @anthropic-ai/sdk 0 with its own type', () => {
    const metered = meterAnthropic(new Anthropic0({ apiKey: 'key' }), { outbox });
    expectTypeOf(metered).toEqualTypeOf<Anthropic0>();
    expectTypeOf(metered.beta.messages.create).toEqualTypeOf<
      Anthropic0['beta']['messages']['create']
    >();
  });

  it('refuses what is not an Anthropic client', () => {
    // @ts-expect-error: no messages to meter.
    meterAnthropic({ models: {} }, { outbox });
  });
});
