import { describe, expect, it } from 'vitest';
import { UsageEventError } from '../../../events/usage-event-error.js';
import { expectedAnthropicRecord } from './__fixtures__/expected-anthropic-record.js';
import {
  type AnthropicFixtureRecord,
  readAnthropicFixtures,
} from './__fixtures__/read-anthropic-fixtures.js';
import type { AnthropicMessageLike } from './anthropic-message-types.js';
import { createAnthropicUsageEvent } from './create-anthropic-usage-event.js';

const now = () => new Date('2026-12-07T12:00:00.000Z');
const options = { subject: 'customer-1', now };

function recorded(name: string): AnthropicFixtureRecord {
  const record = readAnthropicFixtures().find((candidate) => candidate.name === name);
  if (!record) throw new Error(`no recording ${name}`);
  return record;
}

function eventOf(name: string) {
  const record = recorded(name);
  return createAnthropicUsageEvent(record.response as AnthropicMessageLike, {
    ...options,
    request: record.request,
  });
}

describe('createAnthropicUsageEvent on every recorded blocking message', () => {
  const records = readAnthropicFixtures();
  const blocking = records.filter((record) => record.endpoint === 'messages' && !record.stream);

  it("equals Anthropic's own numbers exactly, and leaves out only count_tokens", () => {
    const mismatches: string[] = [];
    for (const record of blocking) {
      const response = record.response as AnthropicMessageLike;
      const event = createAnthropicUsageEvent(response, { ...options, request: record.request });
      const expected = {
        ...expectedAnthropicRecord(record.usage),
        provider: 'anthropic',
        endpoint: 'messages',
        model: response.model,
        requested_model: record.request.model,
        usage_source: 'provider',
      };
      const actual = Object.fromEntries(Object.keys(expected).map((key) => [key, event.data[key]]));
      if (event.id !== response.id || JSON.stringify(actual) !== JSON.stringify(expected)) {
        mismatches.push(`${record.name}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(blocking).toHaveLength(882);
    // Left out of event mapping: count_tokens answers are no message (no id, no output); the
    // prompt-estimate accuracy test uses them.
    expect(records.filter((record) => record.endpoint !== 'messages')).toHaveLength(10);
  });
});

describe('createAnthropicUsageEvent on recorded messages', () => {
  it('maps a plain answer', () => {
    expect(eventOf('Mirascope__mirascope.jsonl#1')).toMatchInlineSnapshot(`
      {
        "data": {
          "cache_write_1h_tokens": 0,
          "cache_write_5m_tokens": 0,
          "cache_write_tokens": 0,
          "cached_tokens": 0,
          "completion_tokens": 708,
          "endpoint": "messages",
          "model": "claude-sonnet-4-20250514",
          "prompt_tokens": 4173,
          "provider": "anthropic",
          "reasoning_tokens": 0,
          "requested_model": "claude-sonnet-4-0",
          "service_tier": "standard",
          "total_tokens": 4881,
          "usage_source": "provider",
        },
        "datacontenttype": "application/json",
        "id": "msg_01MnVsBiDYMq7ntodr6Qa48r",
        "source": "llm-meter",
        "specversion": "1.0",
        "subject": "customer-1",
        "time": "2026-12-07T12:00:00.000Z",
        "type": "openai",
      }
    `);
  });

  it('bills cache reads and 5-minute cache writes as input', () => {
    expect(eventOf('pydantic__pydantic-ai.jsonl#50').data).toMatchInlineSnapshot(`
      {
        "cache_write_1h_tokens": 0,
        "cache_write_5m_tokens": 85,
        "cache_write_tokens": 85,
        "cached_tokens": 1069,
        "completion_tokens": 110,
        "endpoint": "messages",
        "inference_geo": "not_available",
        "model": "claude-sonnet-4-5-20250929",
        "prompt_tokens": 1160,
        "provider": "anthropic",
        "reasoning_tokens": 0,
        "requested_model": "claude-sonnet-4-5",
        "service_tier": "standard",
        "total_tokens": 1270,
        "usage_source": "provider",
      }
    `);
  });

  it('counts thinking as output and reports it as reasoning', () => {
    expect(eventOf('activeagents__activeagent.jsonl#139').data).toMatchInlineSnapshot(`
      {
        "cache_write_1h_tokens": 0,
        "cache_write_5m_tokens": 0,
        "cache_write_tokens": 0,
        "cached_tokens": 0,
        "completion_tokens": 79,
        "endpoint": "messages",
        "inference_geo": "global",
        "model": "claude-sonnet-5",
        "prompt_tokens": 33,
        "provider": "anthropic",
        "reasoning_tokens": 65,
        "requested_model": "claude-sonnet-5",
        "service_tier": "standard",
        "total_tokens": 112,
        "usage_source": "provider",
      }
    `);
  });

  it('counts web fetches and searches as calls', () => {
    expect(eventOf('pydantic__pydantic-ai.jsonl#112').data).toMatchInlineSnapshot(`
      {
        "cache_write_1h_tokens": 0,
        "cache_write_5m_tokens": 0,
        "cache_write_tokens": 0,
        "cached_tokens": 0,
        "completion_tokens": 528,
        "endpoint": "messages",
        "inference_geo": "global",
        "model": "claude-sonnet-4-6",
        "prompt_tokens": 26447,
        "provider": "anthropic",
        "reasoning_tokens": 0,
        "requested_model": "claude-sonnet-4-6",
        "service_tier": "standard",
        "total_tokens": 26975,
        "usage_source": "provider",
        "web_fetch_calls": 1,
        "web_search_calls": 0,
      }
    `);
  });

  it('bills an advisor pass on top, naming its model', () => {
    expect(eventOf('pydantic__pydantic-ai.jsonl#114').data).toMatchInlineSnapshot(`
      {
        "advisor_input_tokens": 2518,
        "advisor_model": "claude-opus-4-8",
        "advisor_output_tokens": 22,
        "cache_write_1h_tokens": 0,
        "cache_write_5m_tokens": 0,
        "cache_write_tokens": 0,
        "cached_tokens": 0,
        "completion_tokens": 143,
        "endpoint": "messages",
        "inference_geo": "global",
        "model": "claude-sonnet-5",
        "prompt_tokens": 4908,
        "provider": "anthropic",
        "reasoning_tokens": 28,
        "requested_model": "claude-sonnet-5",
        "service_tier": "standard",
        "total_tokens": 5051,
        "usage_source": "provider",
        "web_fetch_calls": 0,
        "web_search_calls": 0,
      }
    `);
  });

  it('bills a compaction pass on top, with its cache writes', () => {
    expect(eventOf('pydantic__pydantic-ai.jsonl#132').data).toMatchInlineSnapshot(`
      {
        "cache_write_1h_tokens": 0,
        "cache_write_5m_tokens": 55096,
        "cache_write_tokens": 55096,
        "cached_tokens": 0,
        "completion_tokens": 136,
        "endpoint": "messages",
        "inference_geo": "global",
        "model": "claude-sonnet-4-6",
        "prompt_tokens": 55425,
        "provider": "anthropic",
        "reasoning_tokens": 0,
        "requested_model": "claude-sonnet-4-6",
        "service_tier": "standard",
        "total_tokens": 55561,
        "usage_source": "provider",
      }
    `);
  });
});

describe('createAnthropicUsageEvent on hand-made messages', () => {
  const message = (usage: Record<string, unknown>): AnthropicMessageLike => ({
    id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
    type: 'message',
    model: 'claude-sonnet-4-5-20250929',
    content: [{ type: 'text', text: 'Hello!' }],
    usage: { input_tokens: 10, output_tokens: 5, ...usage },
  });

  it('splits 1-hour cache writes from 5-minute ones', () => {
    const event = createAnthropicUsageEvent(
      message({
        cache_creation_input_tokens: 300,
        cache_read_input_tokens: 50,
        cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 200 },
      }),
      options,
    );
    expect(event.data).toMatchObject({
      prompt_tokens: 360,
      cached_tokens: 50,
      cache_write_tokens: 300,
      cache_write_5m_tokens: 100,
      cache_write_1h_tokens: 200,
    });
  });

  it.each([
    [{ input_tokens: -1 }, 'usage.input_tokens'],
    [{ output_tokens: 1.5 }, 'usage.output_tokens'],
    [{ output_tokens: undefined }, 'usage.output_tokens'],
    [{ cache_read_input_tokens: '3' }, 'usage.cache_read_input_tokens'],
    [
      { cache_creation_input_tokens: 10, cache_creation: { ephemeral_1h_input_tokens: 11 } },
      'usage.cache_creation.ephemeral_1h_input_tokens',
    ],
    [
      { output_tokens_details: { thinking_tokens: 6 } },
      'usage.output_tokens_details.thinking_tokens',
    ],
    [{ server_tool_use: { web_search_requests: -2 } }, 'usage.server_tool_use.web_search_requests'],
    [{ iterations: {} }, 'usage.iterations'],
    [
      { iterations: [{ type: 'compaction', input_tokens: 5 }] },
      'usage.iterations[0].output_tokens',
    ],
  ])('refuses %o naming %s', (usage, field) => {
    expect(() => createAnthropicUsageEvent(message(usage), options)).toThrow(
      expect.objectContaining({ name: 'UsageEventError', field }),
    );
  });

  it('refuses a message without id, time or usage, and a stream event', () => {
    const fieldOf = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return error instanceof UsageEventError ? error.field : error;
      }
      return undefined;
    };
    expect(fieldOf(() => createAnthropicUsageEvent({ ...message({}), id: '' }, options))).toBe(
      'id',
    );
    expect(fieldOf(() => createAnthropicUsageEvent(message({}), { subject: 's' }))).toBe(
      'options.now',
    );
    expect(fieldOf(() => createAnthropicUsageEvent({ ...message({}), usage: null }, options))).toBe(
      'usage',
    );
    expect(
      fieldOf(() =>
        createAnthropicUsageEvent({ type: 'message_start' } as AnthropicMessageLike, options),
      ),
    ).toBe('type');
  });

  it('estimates a message without usage from its request, flagged', () => {
    const event = createAnthropicUsageEvent(
      { ...message({}), usage: undefined },
      {
        ...options,
        request: {
          model: 'claude-sonnet-4-5',
          max_tokens: 100,
          messages: [{ role: 'user', content: 'Say hello.' }],
        },
      },
    );
    expect(event.data).toMatchInlineSnapshot(`
      {
        "cache_write_1h_tokens": 0,
        "cache_write_tokens": 0,
        "cached_tokens": 0,
        "cached_tokens_unknown": true,
        "completion_tokens": 4,
        "endpoint": "messages",
        "estimate_reason": "no_usage",
        "model": "claude-sonnet-4-5-20250929",
        "prompt_tokens": 10,
        "provider": "anthropic",
        "reasoning_tokens": 0,
        "requested_model": "claude-sonnet-4-5",
        "total_tokens": 14,
        "usage_source": "estimated",
      }
    `);
  });
});
