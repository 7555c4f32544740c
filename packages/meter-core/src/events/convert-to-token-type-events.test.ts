import { describe, expect, it } from 'vitest';
import { readOpenAIFixtures } from '../providers/openai/events/__fixtures__/read-openai-fixtures.js';
import type { MeterableResponse } from '../providers/openai/events/response-types.js';
import { toUsageEvent } from '../providers/openai/events/to-usage-event.js';
import { convertToTokenTypeEvents } from './convert-to-token-type-events.js';

const records = readOpenAIFixtures();

function record(name: string) {
  const found = records.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`fixture ${name} not found`);
  return found;
}

// Only the data: the envelope is the usage event's, with `:type` appended to the id.
const dataOf = (events: ReturnType<typeof convertToTokenTypeEvents>) =>
  events.map((event) => ({ id: event.id, eventType: event.type, ...event.data }));

describe('convertToTokenTypeEvents', () => {
  it('splits cache writes and reads apart from input, reasoning staying in output', () => {
    // gpt-5.6 wrote 4,418 of its 8,576 input tokens to the prompt cache.
    const exchange = record('pydantic__pydantic-ai.jsonl#416');
    const event = toUsageEvent(exchange.response as unknown as MeterableResponse, {
      subject: 'customer-1',
      request: exchange.request,
    });
    expect(dataOf(convertToTokenTypeEvents({ event }))).toMatchInlineSnapshot(`
      [
        {
          "endpoint": "responses",
          "eventType": "prompt",
          "id": "resp_0c7df91b4856b264006a633778f2c88196b80a94b8bdeeb7a3:input",
          "model": "gpt-5.6-sol",
          "provider": "openai",
          "requested_model": "gpt-5.6",
          "service_tier": "default",
          "tokens": 4158,
          "type": "input",
          "usage_source": "provider",
        },
        {
          "endpoint": "responses",
          "eventType": "prompt",
          "id": "resp_0c7df91b4856b264006a633778f2c88196b80a94b8bdeeb7a3:cache_write",
          "model": "gpt-5.6-sol",
          "provider": "openai",
          "requested_model": "gpt-5.6",
          "service_tier": "default",
          "tokens": 4418,
          "type": "cache_write",
          "usage_source": "provider",
        },
        {
          "endpoint": "responses",
          "eventType": "prompt",
          "id": "resp_0c7df91b4856b264006a633778f2c88196b80a94b8bdeeb7a3:output",
          "model": "gpt-5.6-sol",
          "provider": "openai",
          "requested_model": "gpt-5.6",
          "service_tier": "default",
          "tokens": 52,
          "type": "output",
          "usage_source": "provider",
        },
      ]
    `);
  });

  it('carries the served tier, provider and requested model to every token type', () => {
    const exchange = record('traceloop__openllmetry.jsonl#184');
    const event = toUsageEvent(exchange.response as unknown as MeterableResponse, {
      subject: 'customer-1',
      request: exchange.request,
      provider: 'azure',
    });
    expect(event.data).toMatchInlineSnapshot(`
      {
        "accepted_prediction_tokens": 0,
        "cache_write_1h_tokens": 0,
        "cache_write_tokens": 0,
        "cached_tokens": 0,
        "completion_audio_tokens": 0,
        "completion_tokens": 82,
        "endpoint": "chat.completions",
        "model": "gpt-5-2025-08-07",
        "prompt_audio_tokens": 0,
        "prompt_tokens": 8,
        "provider": "azure",
        "reasoning_tokens": 64,
        "rejected_prediction_tokens": 0,
        "requested_model": "gpt-5",
        "service_tier": "priority",
        "total_tokens": 90,
        "usage_source": "provider",
      }
    `);
    expect(dataOf(convertToTokenTypeEvents({ event, type: 'llm' }))).toMatchInlineSnapshot(`
      [
        {
          "endpoint": "chat.completions",
          "eventType": "llm",
          "id": "chatcmpl-Cf5wGPHPBqszCcDHyQPt9SNASzZKN:input",
          "model": "gpt-5-2025-08-07",
          "provider": "azure",
          "requested_model": "gpt-5",
          "service_tier": "priority",
          "tokens": 8,
          "type": "input",
          "usage_source": "provider",
        },
        {
          "endpoint": "chat.completions",
          "eventType": "llm",
          "id": "chatcmpl-Cf5wGPHPBqszCcDHyQPt9SNASzZKN:output",
          "model": "gpt-5-2025-08-07",
          "provider": "azure",
          "requested_model": "gpt-5",
          "service_tier": "priority",
          "tokens": 82,
          "type": "output",
          "usage_source": "provider",
        },
      ]
    `);
  });

  it('puts every prompt token of an estimate in input, flagged, since cache hits are unknown', () => {
    // OpenAI served 4,012 of these 4,020 prompt tokens from the cache; an estimate cannot know it.
    const exchange = records.find(
      (candidate) =>
        candidate.endpoint === 'chat.completions' &&
        !candidate.stream &&
        candidate.categories.includes('cached_tokens>0'),
    );
    if (!exchange) throw new Error('no chat fixture with cached tokens');
    const { usage, ...withoutUsage } = exchange.response as Record<string, unknown>;
    const event = toUsageEvent(withoutUsage as unknown as MeterableResponse, {
      subject: 'customer-1',
      request: exchange.request,
    });
    expect({
      recorded: (usage as { prompt_tokens_details: unknown }).prompt_tokens_details,
      estimated: event.data,
    }).toMatchInlineSnapshot(`
      {
        "estimated": {
          "cache_write_1h_tokens": 0,
          "cache_write_tokens": 0,
          "cached_tokens": 0,
          "cached_tokens_unknown": true,
          "completion_tokens": 1,
          "endpoint": "chat.completions",
          "estimate_reason": "no_usage",
          "model": "gpt-5.6-sol",
          "prompt_tokens": 4020,
          "provider": "openai",
          "reasoning_tokens": 0,
          "reasoning_tokens_unknown": true,
          "requested_model": "gpt-5.6-sol",
          "service_tier": "default",
          "total_tokens": 4021,
          "usage_source": "estimated",
        },
        "recorded": {
          "audio_tokens": 0,
          "cache_write_tokens": 0,
          "cached_tokens": 4012,
        },
      }
    `);
    const split = convertToTokenTypeEvents({ event });
    expect(split.map((part) => [part.data.type, part.data.tokens])).toEqual([
      ['input', event.data.prompt_tokens],
      ['output', event.data.completion_tokens],
    ]);
    // Flagged like the unknown cache hits: the output lacks the hidden reasoning (a lower bound).
    for (const part of split) {
      expect(part.data.cached_tokens_unknown).toBe(true);
      expect(part.data.reasoning_tokens_unknown).toBe(true);
    }
  });

  it('flags unknown reasoning only on estimates of reasoning models', () => {
    const estimates = records
      .filter(
        (candidate) =>
          candidate.endpoint === 'chat.completions' && !candidate.stream && candidate.response,
      )
      .map((candidate) => {
        const { usage: _usage, ...withoutUsage } = candidate.response as Record<string, unknown>;
        return toUsageEvent(withoutUsage as unknown as MeterableResponse, {
          subject: 'customer-1',
          request: candidate.request,
        });
      });
    const flagged = new Set(
      estimates
        .filter((event) => event.data.reasoning_tokens_unknown === true)
        .map((event) => event.data.model.replace(/-\d{4}-\d{2}-\d{2}$/, '')),
    );
    const unflagged = new Set(
      estimates
        .filter((event) => event.data.reasoning_tokens_unknown === undefined)
        .map((event) => event.data.model.replace(/-\d{4}-\d{2}-\d{2}$/, '')),
    );
    expect([...flagged].every((model) => /^(o\d|gpt-5)/.test(model))).toBe(true);
    expect([...unflagged].some((model) => /^(o\d|gpt-5)/.test(model))).toBe(false);
    expect(flagged.size).toBeGreaterThan(3);
    const provider = toUsageEvent(
      records.find(
        (candidate) =>
          candidate.endpoint === 'chat.completions' &&
          !candidate.stream &&
          candidate.categories.includes('reasoning_tokens>0'),
      )?.response as unknown as MeterableResponse,
      { subject: 'customer-1' },
    );
    expect(provider.data.reasoning_tokens).toBeGreaterThan(0);
    expect(provider.data.reasoning_tokens_unknown).toBeUndefined();
  });

  it('sums to total_tokens on every recorded response, estimated or not', () => {
    let checked = 0;
    for (const exchange of records) {
      if (exchange.stream || exchange.endpoint === 'completions' || !exchange.response) continue;
      if ((exchange.response as { status?: unknown }).status === 'queued') continue;
      const { usage: _usage, ...withoutUsage } = exchange.response as Record<string, unknown>;
      for (const response of [exchange.response, withoutUsage]) {
        const event = toUsageEvent(response as unknown as MeterableResponse, {
          subject: 'customer-1',
          request: exchange.request,
          fallbackId: 'req_1',
          now: () => new Date('2026-01-01T00:00:00Z'),
        });
        const split = convertToTokenTypeEvents({ event });
        const sum = split.reduce((total, part) => total + part.data.tokens, 0);
        expect(sum, exchange.name).toBe(event.data.total_tokens);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(1600);
  });
  it('keeps the negative types of a settlement correction, so estimate plus correction sum per type', () => {
    const exchange = record('pydantic__pydantic-ai.jsonl#416');
    const exact = toUsageEvent(exchange.response as unknown as MeterableResponse, {
      subject: 'customer-1',
      request: exchange.request,
    });
    const { prompt_tokens, cached_tokens, cache_write_tokens = 0, completion_tokens } = exact.data;
    // An estimate knew no cache hits and over-counted the prompt by 100 tokens.
    const estimate = {
      ...exact,
      data: {
        ...exact.data,
        prompt_tokens: prompt_tokens + 100,
        cached_tokens: 0,
        cache_write_tokens: 0,
        cached_tokens_unknown: true as const,
      },
    };
    const correction = {
      ...exact,
      id: `${exact.id}:settled`,
      data: {
        ...exact.data,
        prompt_tokens: -100,
        cached_tokens,
        cache_write_tokens,
        completion_tokens: 0,
        total_tokens: -100,
        usage_source: 'settled' as const,
      },
    };
    const sum = new Map<string, number>();
    for (const event of [estimate, correction]) {
      for (const split of convertToTokenTypeEvents({ event })) {
        sum.set(split.data.type, (sum.get(split.data.type) ?? 0) + split.data.tokens);
      }
    }
    expect(Object.fromEntries(sum)).toEqual({
      input: prompt_tokens - cached_tokens - cache_write_tokens,
      ...(cached_tokens ? { cache_read: cached_tokens } : {}),
      ...(cache_write_tokens ? { cache_write: cache_write_tokens } : {}),
      output: completion_tokens,
    });
    expect(
      convertToTokenTypeEvents({ event: correction }).some((split) => split.data.tokens < 0),
    ).toBe(true);
  });
});
