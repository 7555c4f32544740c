import type { UsageEvent } from '@llm-meter/meter-core';
import { describe, expect, it } from 'vitest';
import { createSettlementEvent } from './create-settlement-event.js';

const estimate: UsageEvent = {
  specversion: '1.0',
  id: 'resp_abc',
  source: 'llm-meter',
  type: 'openai',
  subject: 'customer-1',
  time: '2026-12-02T10:00:00.000Z',
  datacontenttype: 'application/json',
  data: {
    provider: 'openai',
    model: 'o4-mini-2025-04-16',
    endpoint: 'responses',
    prompt_tokens: 120,
    completion_tokens: 1,
    total_tokens: 121,
    cached_tokens: 0,
    cache_write_tokens: 0,
    cache_write_1h_tokens: 0,
    reasoning_tokens: 0,
    usage_source: 'estimated',
    estimate_reason: 'aborted',
    cached_tokens_unknown: true,
    feature: 'chat',
  },
};

describe('createSettlementEvent', () => {
  it('carries the signed difference of every token field under a deterministic id', () => {
    const correction = createSettlementEvent({
      estimate,
      exact: {
        prompt_tokens: 118,
        completion_tokens: 1231,
        total_tokens: 1349,
        cached_tokens: 64,
        cache_write_tokens: 0,
        cache_write_1h_tokens: 0,
        reasoning_tokens: 1216,
      },
    });
    expect(correction).toMatchInlineSnapshot(`
      {
        "data": {
          "cache_write_1h_tokens": 0,
          "cache_write_tokens": 0,
          "cached_tokens": 64,
          "completion_tokens": 1230,
          "endpoint": "responses",
          "feature": "chat",
          "model": "o4-mini-2025-04-16",
          "prompt_tokens": -2,
          "provider": "openai",
          "reasoning_tokens": 1216,
          "settles": "resp_abc",
          "total_tokens": 1228,
          "usage_source": "settled",
        },
        "datacontenttype": "application/json",
        "id": "resp_abc:settled",
        "source": "llm-meter",
        "specversion": "1.0",
        "subject": "customer-1",
        "time": "2026-12-02T10:00:00.000Z",
        "type": "openai",
      }
    `);
  });

  it('sums with the estimate to the exact numbers, field by field', () => {
    const exact = {
      prompt_tokens: 130,
      completion_tokens: 7,
      total_tokens: 137,
      cached_tokens: 0,
      cache_write_tokens: 0,
      cache_write_1h_tokens: 0,
      reasoning_tokens: 0,
      prompt_audio_tokens: 3,
    };
    const correction = createSettlementEvent({ estimate, exact });
    for (const [field, value] of Object.entries(exact)) {
      const estimated = Number(estimate.data[field] ?? 0);
      expect(estimated + Number(correction?.data[field])).toBe(value);
    }
  });

  it('returns undefined when the estimate was exact', () => {
    expect(
      createSettlementEvent({
        estimate,
        exact: {
          prompt_tokens: 120,
          completion_tokens: 1,
          total_tokens: 121,
          cached_tokens: 0,
          cache_write_tokens: 0,
          cache_write_1h_tokens: 0,
          reasoning_tokens: 0,
        },
      }),
    ).toBeUndefined();
  });
});
