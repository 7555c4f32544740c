import { createAnthropicUsageEvent, createGeminiUsageEvent } from '@llm-meter/meter-core';
import { describe, expect, it } from 'vitest';
import { findRecordedResponse } from './__fixtures__/find-recorded-response.js';
import { priceUsage } from './price-usage.js';
import { priceUsageEvent } from './price-usage-event.js';

// Expected amounts are worked out by hand from the providers' published price pages, read
// 2026-12-07: Anthropic's https://platform.claude.com/docs/en/about-claude/pricing (USD per 1M
// tokens: base input, 5-minute cache write 1.25x, 1-hour cache write 2x, cache read 0.1x,
// output; web search $10 per 1,000 searches, web fetch no charge beyond its tokens; prompts above
// 200K input tokens on Sonnet 4/4.5 at $6 / $22.50; the Anthropic page as mirrored, US-only
// inference 1.1x from the data-residency docs) and Google's
// https://ai.google.dev/gemini-api/docs/pricing (gemini-2.5-flash $0.30 input, $2.50 output
// thinking included; gemini-2.5-pro $1.25 / $10 up to 200K, $2.50 / $15 above, as quoted from
// that page; the audio-input $1.00 and cached $0.03 rates are genai-prices 0.1.8's).
const perMillion = 1_000_000;
// Recordings carry no time for Anthropic and the Generative Language API: price them on a day.
const now = () => new Date('2026-12-01T12:00:00.000Z');

function anthropicEvent({ file, id }: { file: string; id: string }) {
  const { request, response } = findRecordedResponse({ provider: 'anthropic', file, id });
  return createAnthropicUsageEvent(response as never, {
    subject: 'customer-1',
    now,
    request: request as never,
  });
}

function geminiEvent({ file, id }: { file: string; id: string }) {
  const recorded = findRecordedResponse({ provider: 'gemini', file, id });
  return createGeminiUsageEvent(recorded.response as never, {
    subject: 'customer-1',
    now,
    requestedModel: recorded.model_requested,
  });
}

describe('priceUsageEvent on recorded Anthropic messages', () => {
  it('prices cache writes, cache reads and web searches (Claude Sonnet 4)', () => {
    const event = anthropicEvent({
      file: 'Mirascope__mirascope.jsonl',
      id: 'msg_016MNRjFS7YUoeXzvLQLPfyA',
    });
    expect(event.data).toMatchObject({
      provider: 'anthropic',
      model: 'claude-sonnet-4-20250514',
      service_tier: 'standard',
      prompt_tokens: 2081 + 10345 + 28203,
      cached_tokens: 28203,
      cache_write_tokens: 10345,
      completion_tokens: 504,
      web_search_calls: 3,
    });
    const price = priceUsageEvent(event);
    // Reported breakdown 0 / 0 is smaller than the whole: the writes are priced at 5 minutes.
    const tokens = (2081 * 3 + 10345 * 3.75 + 28203 * 0.3 + 504 * 15) / perMillion;
    expect(price).toMatchObject({
      status: 'priced',
      tier: 'default',
      modelId: 'claude-sonnet-4-0',
    });
    if (price.status !== 'priced') return;
    expect(price.callsUsd).toBeCloseTo(3 * 0.01, 12);
    expect(price.usd).toBeCloseTo(tokens + 0.03, 12);
  });

  it('prices a prompt above 200K tokens at the long-context rates (Claude Sonnet 4.5)', () => {
    const event = anthropicEvent({
      file: 'pydantic__pydantic-ai.jsonl',
      id: 'msg_01WUxwtx6NsdkWnEyL8BMy1q',
    });
    expect(event.data).toMatchObject({
      model: 'claude-sonnet-4-5-20250929',
      prompt_tokens: 401468,
      completion_tokens: 792,
      web_search_calls: 10,
    });
    const price = priceUsageEvent(event);
    expect(price.status === 'priced' && price.usd).toBeCloseTo(
      (401468 * 6 + 792 * 22.5) / perMillion + 10 * 0.01,
      12,
    );
  });

  it('charges a web fetch nothing beyond its tokens (Claude Sonnet 4.6, inference_geo global)', () => {
    const event = anthropicEvent({
      file: 'pydantic__pydantic-ai.jsonl',
      id: 'msg_019caNBkgZf5onJTT2BrqCAt',
    });
    expect(event.data).toMatchObject({
      model: 'claude-sonnet-4-6',
      inference_geo: 'global',
      web_fetch_calls: 1,
      prompt_tokens: 26447,
      completion_tokens: 528,
    });
    const price = priceUsageEvent(event);
    expect(price.status === 'priced' && price.usd).toBeCloseTo(
      (26447 * 3 + 528 * 15) / perMillion,
      12,
    );
  });

  it('prices US-only inference at 1.1x the token rates, not the search fee', () => {
    // No recording has inference_geo "us" or 1-hour cache writes: the numbers below follow the
    // documented usage shape on the recorded Sonnet 4.6 message above.
    const usage = {
      prompt_tokens: 26447,
      completion_tokens: 528,
      cache_write_tokens: 20000,
      cache_write_1h_tokens: 5000,
      cached_tokens: 1000,
      web_search_calls: 2,
    };
    const global = priceUsage({
      model: 'claude-sonnet-4-6',
      provider: 'anthropic',
      usage,
      at: now(),
    });
    const us = priceUsage({
      model: 'claude-sonnet-4-6',
      provider: 'anthropic',
      inferenceGeo: 'us',
      usage,
      at: now(),
    });
    // 5,447 uncached at $3, 15,000 5-minute writes at $3.75, 5,000 1-hour writes at $6,
    // 1,000 reads at $0.30, 528 output at $15.
    const tokens = (5447 * 3 + 15000 * 3.75 + 5000 * 6 + 1000 * 0.3 + 528 * 15) / perMillion;
    expect(global.status === 'priced' && global.usd).toBeCloseTo(tokens + 0.02, 12);
    expect(us).toMatchObject({ status: 'priced', inferenceGeoMultiplier: 1.1 });
    expect(us.status === 'priced' && us.usd).toBeCloseTo(tokens * 1.1 + 0.02, 12);
  });

  it.each([
    {
      given: 'web searches on a model without a web-search rate (Claude Haiku 3)',
      usage: { prompt_tokens: 1000, completion_tokens: 10, web_search_calls: 1 },
      model: 'claude-3-haiku-20240307',
      inferenceGeo: undefined,
      reason: 'rate_not_listed',
    },
    {
      given: 'an inference_geo the table does not know',
      usage: { prompt_tokens: 1000, completion_tokens: 10 },
      model: 'claude-sonnet-4-6',
      inferenceGeo: 'eu',
      reason: 'rate_not_listed',
    },
    {
      given: 'more 1-hour cache writes than cache writes',
      usage: {
        prompt_tokens: 1000,
        completion_tokens: 10,
        cache_write_tokens: 10,
        cache_write_1h_tokens: 11,
      },
      model: 'claude-sonnet-4-6',
      inferenceGeo: undefined,
      reason: 'invalid_tokens',
    },
  ])('is unpriced, never $0: $given', ({ usage, model, inferenceGeo, reason }) => {
    const price = priceUsage({ model, provider: 'anthropic', inferenceGeo, usage, at: now() });
    expect(price).toMatchObject({ status: 'unpriced', reason });
  });

  it('leaves Anthropic priority and batch tiers unpriced', () => {
    const price = priceUsage({
      model: 'claude-sonnet-4-6',
      provider: 'anthropic',
      serviceTier: 'priority',
      usage: { prompt_tokens: 10, completion_tokens: 10 },
      at: now(),
    });
    expect(price).toMatchObject({ status: 'unpriced', reason: 'tier_not_offered' });
  });
});

describe('priceUsageEvent on recorded Gemini responses', () => {
  it('prices cached tokens at the cached rate and thinking as output (gemini-2.5-flash)', () => {
    const event = geminiEvent({ file: 'crmne__ruby_llm.jsonl', id: '5b6FatW4CKyhnsEP-bGDwQE' });
    expect(event.data).toMatchObject({
      provider: 'google',
      model: 'gemini-2.5-flash',
      service_tier: 'standard',
      prompt_tokens: 9622,
      cached_tokens: 9609,
      completion_tokens: 35 + 136,
      reasoning_tokens: 136,
    });
    const price = priceUsageEvent(event);
    expect(price).toMatchObject({ status: 'priced', tier: 'default', modelId: 'gemini-2.5-flash' });
    expect(price.status === 'priced' && price.usd).toBeCloseTo(
      (13 * 0.3 + 9609 * 0.03 + 171 * 2.5) / perMillion,
      12,
    );
  });

  it('prices audio input at the audio rate (gemini-2.5-flash)', () => {
    const event = geminiEvent({ file: 'crmne__ruby_llm.jsonl', id: 'ir-FaujTNea0kdUPh8eOuAI' });
    expect(event.data).toMatchObject({ prompt_tokens: 125, prompt_audio_tokens: 119 });
    const price = priceUsageEvent(event);
    expect(price.status === 'priced' && price.usd).toBeCloseTo(
      (6 * 0.3 + 119 * 1 + (10 + 25) * 2.5) / perMillion,
      12,
    );
  });

  it('prices tool-use prompt tokens as input (gemini-2.5-pro with search)', () => {
    const event = geminiEvent({
      file: 'pydantic__pydantic-ai.jsonl',
      id: 'btnJaOrqE4_6qtsP7bOboQs',
    });
    expect(event.data).toMatchObject({
      model: 'gemini-2.5-pro',
      prompt_tokens: 17 + 119,
      tool_use_prompt_tokens: 119,
      completion_tokens: 201 + 213,
    });
    const price = priceUsageEvent(event);
    expect(price.status === 'priced' && price.usd).toBeCloseTo(
      (136 * 1.25 + 414 * 10) / perMillion,
      12,
    );
  });

  it('prices a prompt above 200K tokens at the long-context rates (gemini-2.5-pro)', () => {
    // No recording has a prompt this long: $2.50 input and $15 output above 200K.
    const price = priceUsage({
      model: 'gemini-2.5-pro',
      provider: 'google',
      usage: { prompt_tokens: 250_000, completion_tokens: 1000 },
      at: now(),
    });
    expect(price.status === 'priced' && price.usd).toBeCloseTo(
      (250_000 * 2.5 + 1000 * 15) / perMillion,
      12,
    );
  });

  it('prices Vertex AI on-demand traffic, leaves provisioned throughput unpriced', () => {
    const event = geminiEvent({ file: 'crmne__ruby_llm.jsonl', id: '7b6Fau7ENbK3vdIPi8jryA0' });
    expect(event.data).toMatchObject({ traffic_type: 'ON_DEMAND' });
    expect(priceUsageEvent(event).status).toBe('priced');
    const provisioned = priceUsageEvent({
      ...event,
      data: { ...event.data, traffic_type: 'PROVISIONED_THROUGHPUT' },
    });
    expect(provisioned).toMatchObject({ status: 'unpriced', reason: 'unknown_tier' });
  });
});
