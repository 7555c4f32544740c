import Big from 'big.js';
import { describe, expect, test } from 'vitest';
import { findLlmTokenPrice, listLlmTokenPrices } from './llm-token-prices.js';
import { priceUsage } from './price-usage.js';

const at = new Date('2026-12-07T00:00:00.000Z');

describe('findLlmTokenPrice', () => {
  test('finds a served (dated) model and gives per-token decimal strings', () => {
    expect(
      findLlmTokenPrice({ provider: 'openai', model: 'gpt-5-nano-2025-08-07', at }),
    ).toMatchInlineSnapshot(`
      {
        "contextTiered": false,
        "model": {
          "id": "gpt-5-nano",
          "name": "GPT-5 nano",
        },
        "pricing": {
          "cache_read_per_token": "0.000000005",
          "input_per_token": "0.00000005",
          "output_per_token": "0.0000004",
        },
        "provider": {
          "id": "openai",
          "name": "OpenAI",
        },
      }
    `);
  });

  test('an unknown model or a provider the table lacks is undefined, never a zero price', () => {
    expect(findLlmTokenPrice({ provider: 'openai', model: 'no-such-model', at })).toBeUndefined();
    expect(findLlmTokenPrice({ provider: 'nobody', model: 'gpt-4o', at })).toBeUndefined();
  });

  test('a long-context model says its rates are tiered and gives the base rates', () => {
    const price = findLlmTokenPrice({ provider: 'anthropic', model: 'claude-sonnet-4-5', at });
    expect(price?.contextTiered).toBe(true);
    expect(price?.pricing).toEqual({
      input_per_token: '0.000003',
      output_per_token: '0.000015',
      cache_read_per_token: '0.0000003',
      cache_write_per_token: '0.00000375',
    });
  });

  // The agreement the v3 cost check relies on: the token types priced at these rates add up to
  // what priceUsage charges at the default tier, for the main job's models.
  test.each([
    { provider: 'openai', model: 'gpt-5-nano-2025-08-07' },
    { provider: 'openai', model: 'gpt-4o-mini-2024-07-18' },
    { provider: 'anthropic', model: 'claude-sonnet-4-5-20250929' },
    { provider: 'google', model: 'gemini-2.5-flash' },
  ])('token types at the listed rates equal priceUsage for $model', ({ provider, model }) => {
    const usage = { prompt_tokens: 5_321, cached_tokens: 1_024, completion_tokens: 777 };
    const withWrites: typeof usage & { cache_write_tokens?: number } =
      provider === 'anthropic' ? { ...usage, cache_write_tokens: 2_000 } : usage;
    const price = findLlmTokenPrice({ provider, model, at });
    const rates = price?.pricing;
    if (!rates) throw new Error(`no price for ${model}`);
    const writes = withWrites.cache_write_tokens ?? 0;
    const cost = new Big(rates.input_per_token)
      .times(withWrites.prompt_tokens - withWrites.cached_tokens - writes)
      .plus(new Big(rates.cache_read_per_token ?? 'NaN').times(withWrites.cached_tokens))
      .plus(writes === 0 ? 0 : new Big(rates.cache_write_per_token ?? 'NaN').times(writes))
      .plus(new Big(rates.output_per_token).times(withWrites.completion_tokens));
    const priced = priceUsage({ provider, model, usage: withWrites, at });
    if (priced.status !== 'priced') throw new Error(priced.message);
    expect(Number(cost)).toBeCloseTo(priced.usd, 12);
  });
});

describe('listLlmTokenPrices', () => {
  test('lists each model of the three providers once, with input and output rates', () => {
    const prices = listLlmTokenPrices({ at });
    const keys = prices.map((price) => `${price.provider.id}/${price.model.id}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(prices.map((price) => price.provider.id))).toEqual(
      new Set(['openai', 'anthropic', 'google']),
    );
    expect(keys).toEqual(
      expect.arrayContaining([
        'openai/gpt-5-nano',
        'anthropic/claude-sonnet-4-5',
        'google/gemini-2.5-flash',
      ]),
    );
    for (const price of prices) {
      expect(price.pricing.input_per_token).toMatch(/^[0-9]+(\.[0-9]+)?$/);
      expect(price.pricing.output_per_token).toMatch(/^[0-9]+(\.[0-9]+)?$/);
    }
  });
});
