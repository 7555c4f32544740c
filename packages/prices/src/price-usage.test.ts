import { type MeterableResponse, toUsageEvent } from '@llm-meter/meter-core';
import { describe, expect, it } from 'vitest';
import { findRecordedExchange } from './__fixtures__/find-recorded-exchange.js';
import { priceUsage } from './price-usage.js';
import { priceUsageEvent } from './price-usage-event.js';

// Expected amounts are worked out by hand from OpenAI's published rates (USD per 1M tokens),
// not from genai-prices, so the tests check the data as well as the arithmetic.
const perMillion = 1_000_000;

function recordedEvent({ file, id }: { file: string; id: string }) {
  const exchange = findRecordedExchange({ file, id });
  return toUsageEvent(exchange.response as unknown as MeterableResponse, {
    subject: 'customer-1',
    request: exchange.request as never,
  });
}

describe('priceUsageEvent on recorded OpenAI responses', () => {
  it('prices a request served at flex at flex: half of gpt-5 standard', () => {
    // pydantic-ai recorded a Responses stream on gpt-5 with service_tier "flex", served at flex.
    const event = recordedEvent({
      file: 'pydantic__pydantic-ai.jsonl',
      id: 'resp_0050471a34b36ae60068c97b94a480819587a9d70cf2979b33',
    });
    expect(event.data.service_tier).toBe('flex');
    expect([event.data.prompt_tokens, event.data.completion_tokens]).toEqual([53, 469]);
    const price = priceUsageEvent(event);
    expect(price).toMatchObject({ status: 'priced', tier: 'flex', modelId: 'gpt-5' });
    // gpt-5 standard: $1.25 input, $10 output; flex at Batch API rates: half.
    const standard = (53 * 1.25 + 469 * 10) / perMillion;
    expect(price.status === 'priced' && price.usd).toBeCloseTo(standard / 2, 12);
  });

  it('prices a request served at priority at the priority rates, reasoning tokens as output', () => {
    const event = recordedEvent({
      file: 'traceloop__openllmetry.jsonl',
      id: 'chatcmpl-Cf5wGPHPBqszCcDHyQPt9SNASzZKN',
    });
    expect(event.data).toMatchObject({
      service_tier: 'priority',
      model: 'gpt-5-2025-08-07',
      prompt_tokens: 8,
      completion_tokens: 82,
      reasoning_tokens: 64,
    });
    const price = priceUsageEvent(event);
    expect(price).toMatchObject({ status: 'priced', tier: 'priority', tierAssumed: false });
    // gpt-5 priority: $2.50 input, $20 output (openai.com/api-priority-processing).
    expect(price.status === 'priced' && price.usd).toBeCloseTo(
      (8 * 2.5 + 82 * 20) / perMillion,
      12,
    );
  });

  it('prices cached input tokens at the cached rate', () => {
    const event = recordedEvent({
      file: 'traceloop__openllmetry.jsonl',
      id: 'chatcmpl-BPVp0tjSGV5NBPc7t1hqssC4kJ1MG',
    });
    expect(event.data).toMatchObject({ prompt_tokens: 1497, cached_tokens: 1408 });
    const price = priceUsageEvent(event);
    // gpt-4o-mini: $0.15 input, $0.075 cached input, $0.60 output.
    const want = ((1497 - 1408) * 0.15 + 1408 * 0.075 + 1037 * 0.6) / perMillion;
    expect(price.status === 'priced' && price.usd).toBeCloseTo(want, 12);
  });

  it("prices at the rates of the event's day (gpt-5.6-sol's price cut of 2026-08-21)", () => {
    const event = recordedEvent({
      file: 'pydantic__pydantic-ai.jsonl',
      id: 'chatcmpl-E1mBQt42vYTsKNd5wnyJlT0db7v9S',
    });
    expect(event.time.slice(0, 10)).toBe('2026-07-15');
    expect(event.data).toMatchObject({ prompt_tokens: 4020, cached_tokens: 4012 });
    const before = priceUsageEvent(event);
    const after = priceUsageEvent({ ...event, time: '2026-09-01T00:00:00.000Z' });
    // Before: $5 input, $0.50 cached, $30 output; from 2026-08-21: $4, $0.40, $20.
    expect(before.status === 'priced' && before.usd).toBeCloseTo(
      (8 * 5 + 4012 * 0.5 + 4 * 30) / perMillion,
      12,
    );
    expect(after.status === 'priced' && after.usd).toBeCloseTo(
      (8 * 4 + 4012 * 0.4 + 4 * 20) / perMillion,
      12,
    );
  });
});

describe('priceUsage', () => {
  const at = new Date('2026-12-01T12:00:00.000Z');
  // 100K each: under the 128K prompt limit of the priority rates.
  const usage = { prompt_tokens: 100_000, cached_tokens: 0, completion_tokens: 100_000 };

  it.each([
    // given served tier → want total for 100K input + 100K output of gpt-4o-mini
    { tier: 'default', want: (0.15 + 0.6) / 10 },
    { tier: undefined, want: (0.15 + 0.6) / 10 },
    { tier: 'priority', want: (0.25 + 1) / 10 },
    { tier: 'batch', want: (0.15 + 0.6) / 20 },
  ])('prices gpt-4o-mini served at $tier', ({ tier, want }) => {
    const price = priceUsage({ model: 'gpt-4o-mini-2024-07-18', serviceTier: tier, usage, at });
    expect(price.status === 'priced' && price.usd).toBeCloseTo(want, 12);
  });

  it('prices the served tier, not the requested one: priority requested, default served', () => {
    // The request asked for priority; the response reported "default" (OpenAI downgrades).
    const price = priceUsage({ model: 'gpt-4.1-mini', serviceTier: 'default', usage, at });
    expect(price).toMatchObject({ status: 'priced', tier: 'default' });
    expect(price.status === 'priced' && price.usd).toBeCloseTo((0.4 + 1.6) / 10, 12);
  });

  it('says when the tier was assumed', () => {
    expect(priceUsage({ model: 'gpt-4.1-mini', usage, at })).toMatchObject({
      tier: 'default',
      tierAssumed: true,
    });
  });

  it('prices o3 at flex on either side of its 2025-06-10 price cut', () => {
    const before = priceUsage({
      model: 'o3-2025-04-16',
      serviceTier: 'flex',
      usage,
      at: new Date('2025-05-01T00:00:00Z'),
    });
    const after = priceUsage({ model: 'o3', serviceTier: 'flex', usage, at });
    // o3 standard was $10/$40, then $2/$8; flex is half.
    expect(before.status === 'priced' && before.usd).toBeCloseTo(2.5, 9);
    expect(after.status === 'priced' && after.usd).toBeCloseTo(0.5, 9);
  });

  it('prices cache-write tokens at the cache-write rate where the model has one', () => {
    // gpt-6-luna: $0.10 input, $0.125 cache write, $0.01 cache read, $0.50 output.
    const price = priceUsage({
      model: 'gpt-6-luna',
      serviceTier: 'default',
      usage: {
        prompt_tokens: 1000,
        cached_tokens: 200,
        cache_write_tokens: 300,
        completion_tokens: 100,
      },
      at,
    });
    const want = (500 * 0.1 + 300 * 0.125 + 200 * 0.01 + 100 * 0.5) / perMillion;
    expect(price.status === 'priced' && price.usd).toBeCloseTo(want, 12);
  });

  it.each([
    {
      given: { model: 'gpt-9-unreleased', serviceTier: 'default' },
      reason: 'unknown_model',
    },
    { given: { model: 'llama3.2', provider: 'ollama' }, reason: 'unknown_provider' },
    { given: { model: 'gpt-4o-mini', serviceTier: 'scale' }, reason: 'unknown_tier' },
    { given: { model: 'gpt-4o-mini', serviceTier: 'auto' }, reason: 'unknown_tier' },
    { given: { model: 'gpt-4o-mini', serviceTier: 'flex' }, reason: 'tier_not_offered' },
    { given: { model: 'gpt-5-nano', serviceTier: 'priority' }, reason: 'tier_not_offered' },
  ])(
    'is unpriced ($reason), never $0, for $given.model at $given.serviceTier',
    ({ given, reason }) => {
      const price = priceUsage({ ...given, usage, at });
      expect(price).toMatchObject({ status: 'unpriced', reason });
      expect(price).not.toHaveProperty('usd');
      expect(price.status === 'unpriced' && price.message.length).toBeGreaterThan(20);
    },
  );

  it('refuses priority rates for prompts over 128K tokens', () => {
    const price = priceUsage({
      model: 'gpt-4.1',
      serviceTier: 'priority',
      usage: { prompt_tokens: 200_000, completion_tokens: 10 },
      at,
    });
    expect(price).toMatchObject({ status: 'unpriced', reason: 'long_context_not_offered' });
  });

  it('refuses malformed token counts with the field named', () => {
    const price = priceUsage({
      model: 'gpt-4o-mini',
      usage: { prompt_tokens: -1, completion_tokens: 2 },
      at,
    });
    expect(price).toMatchObject({ status: 'unpriced', reason: 'invalid_tokens' });
    expect(price.status === 'unpriced' && price.message).toContain('usage.prompt_tokens');
    expect(
      priceUsage({
        model: 'gpt-4o-mini',
        usage: { prompt_tokens: 10, cached_tokens: 11, completion_tokens: 2 },
        at,
      }),
    ).toMatchObject({ status: 'unpriced', reason: 'invalid_tokens' });
  });
});
