import { describe, expect, it } from 'vitest';
import { convertToTokenTypeEvents } from '../../../events/convert-to-token-type-events.js';
import { UsageEventError } from '../../../events/usage-event-error.js';
import { readOpenAIFixtures } from './__fixtures__/read-openai-fixtures.js';
import type { OpenAIChatUsage } from './convert-chat-usage.js';
import type { OpenAIResponsesUsage } from './convert-responses-usage.js';
import type { MeterableResponse } from './response-types.js';
import { type ToUsageEventOptions, toUsageEvent } from './to-usage-event.js';

const records = readOpenAIFixtures();
const nonStream = records.filter(
  (record) => !record.stream && record.endpoint !== 'completions' && record.usage !== null,
);
const options = {
  subject: 'customer-1',
  now: () => new Date('2026-01-01T00:00:00.000Z'),
  fallbackId: 'req_test',
};

const toTokenTypeEvents = (response: MeterableResponse, given: ToUsageEventOptions) =>
  convertToTokenTypeEvents({ event: toUsageEvent(response, given) });

function find(predicate: (record: (typeof records)[number]) => boolean) {
  const record = records.find(predicate);
  if (!record) throw new Error('fixture not found');
  return record;
}

// OpenAI's numbers in the fixture, renamed onto our data fields.
function expectedNumbers(endpoint: string, usage: OpenAIChatUsage & OpenAIResponsesUsage) {
  if (endpoint === 'responses') {
    return {
      prompt_tokens: usage.input_tokens,
      completion_tokens: usage.output_tokens,
      total_tokens: usage.total_tokens,
      cached_tokens: usage.input_tokens_details?.cached_tokens ?? 0,
      reasoning_tokens: usage.output_tokens_details?.reasoning_tokens ?? 0,
    };
  }
  return {
    prompt_tokens: usage.prompt_tokens,
    completion_tokens: usage.completion_tokens ?? 0,
    total_tokens: usage.total_tokens,
    cached_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
    reasoning_tokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
    ...(usage.completion_tokens_details?.accepted_prediction_tokens === undefined
      ? {}
      : {
          accepted_prediction_tokens: usage.completion_tokens_details?.accepted_prediction_tokens,
          rejected_prediction_tokens: usage.completion_tokens_details?.rejected_prediction_tokens,
          completion_audio_tokens: usage.completion_tokens_details?.audio_tokens,
        }),
  };
}

describe('toUsageEvent over the shared fixtures', () => {
  it('covers every endpoint', () => {
    const endpoints = new Set(nonStream.map((record) => record.endpoint));
    expect([...endpoints].sort()).toEqual(['chat.completions', 'embeddings', 'responses']);
    expect(nonStream.length).toBeGreaterThan(800);
  });

  it('maps every non-stream response with usage to OpenAI’s exact numbers', () => {
    for (const record of nonStream) {
      const response = record.response as unknown as MeterableResponse;
      const event = toUsageEvent(response, options);
      expect(event.data, record.name).toMatchObject(
        expectedNumbers(record.endpoint, record.usage ?? {}),
      );
      expect(event.data.usage_source, record.name).toBe('provider');
      expect(event.data.endpoint, record.name).toBe(record.endpoint);
      expect(event.data.model, record.name).toBe((record.response as { model: string }).model);
      if (record.endpoint !== 'embeddings') {
        expect(event.id, record.name).toBe((record.response as { id: string }).id);
      }
    }
  });

  it('splits every response into token-type events that sum to total_tokens', () => {
    for (const record of nonStream) {
      const response = record.response as unknown as MeterableResponse;
      const total = toUsageEvent(response, options).data.total_tokens;
      const events = toTokenTypeEvents(response, options);
      expect(
        events.reduce((sum, event) => sum + event.data.tokens, 0),
        record.name,
      ).toBe(total);
      expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
    }
  });

  it('refuses a Responses response that is still queued, even with a request', () => {
    const record = find(
      (candidate) =>
        candidate.endpoint === 'responses' && candidate.usage === null && !candidate.stream,
    );
    expect(() =>
      toUsageEvent(record.response as unknown as MeterableResponse, {
        ...options,
        request: record.request,
      }),
    ).toThrowError(expect.objectContaining({ field: 'status' }));
  });
});

describe('toUsageEvent events', () => {
  it('maps a chat completion', () => {
    const record = find((candidate) => candidate.name === 'alexrudall__ruby-openai.jsonl#2');
    expect(
      toUsageEvent(record.response as unknown as MeterableResponse, {
        subject: 'customer-1',
        dimensions: { feature: 'chat', project: 'demo' },
      }),
    ).toMatchInlineSnapshot(`
      {
        "data": {
          "cache_write_1h_tokens": 0,
          "cache_write_tokens": 0,
          "cached_tokens": 0,
          "completion_tokens": 10,
          "endpoint": "chat.completions",
          "feature": "chat",
          "model": "gpt-3.5-turbo-0613",
          "project": "demo",
          "prompt_tokens": 9,
          "provider": "openai",
          "reasoning_tokens": 0,
          "total_tokens": 19,
          "usage_source": "provider",
        },
        "datacontenttype": "application/json",
        "id": "chatcmpl-8P7s1c2QVZW1Uqqd11S0cB78LBvoA",
        "source": "llm-meter",
        "specversion": "1.0",
        "subject": "customer-1",
        "time": "2023-11-26T11:45:45.000Z",
        "type": "openai",
      }
    `);
  });

  it('uses options.id over the provider id, for servers whose ids repeat', () => {
    const record = find((candidate) => candidate.name === 'alexrudall__ruby-openai.jsonl#2');
    const response = record.response as unknown as MeterableResponse;
    const event = toUsageEvent(response, { subject: 'customer-1', id: 'request-42' });
    expect(event.id).toBe('request-42');
    expect(
      toTokenTypeEvents(response, { subject: 'customer-1', id: 'request-42' }).map(
        (split) => split.id,
      ),
    ).toEqual(['request-42:input', 'request-42:output']);
    expect(() => toUsageEvent(response, { subject: 'customer-1', id: '' })).toThrow(
      expect.objectContaining({ field: 'options.id' }),
    );
  });

  it('maps a Responses API response with cached and reasoning tokens', () => {
    const record = find(
      (candidate) =>
        candidate.endpoint === 'responses' &&
        !candidate.stream &&
        candidate.categories.includes('cached_tokens>0') &&
        candidate.categories.includes('reasoning_tokens>0'),
    );
    const event = toUsageEvent(record.response as unknown as MeterableResponse, {
      subject: 'customer-1',
    });
    expect(event).toMatchInlineSnapshot(`
      {
        "data": {
          "cache_write_1h_tokens": 0,
          "cache_write_tokens": 0,
          "cached_tokens": 1536,
          "completion_tokens": 393,
          "endpoint": "responses",
          "model": "gpt-5-nano-2025-08-07",
          "prompt_tokens": 1586,
          "provider": "openai",
          "reasoning_tokens": 320,
          "service_tier": "default",
          "total_tokens": 1979,
          "usage_source": "provider",
        },
        "datacontenttype": "application/json",
        "id": "resp_087a396570773002016a85bfc12eac819d99f4822905dacdd5",
        "source": "llm-meter",
        "specversion": "1.0",
        "subject": "customer-1",
        "time": "2026-08-19T14:37:53.000Z",
        "type": "openai",
      }
    `);
    expect(
      toTokenTypeEvents(record.response as unknown as MeterableResponse, { subject: 'customer-1' }),
    ).toMatchInlineSnapshot(`
      [
        {
          "data": {
            "endpoint": "responses",
            "model": "gpt-5-nano-2025-08-07",
            "provider": "openai",
            "service_tier": "default",
            "tokens": 50,
            "type": "input",
            "usage_source": "provider",
          },
          "datacontenttype": "application/json",
          "id": "resp_087a396570773002016a85bfc12eac819d99f4822905dacdd5:input",
          "source": "llm-meter",
          "specversion": "1.0",
          "subject": "customer-1",
          "time": "2026-08-19T14:37:53.000Z",
          "type": "prompt",
        },
        {
          "data": {
            "endpoint": "responses",
            "model": "gpt-5-nano-2025-08-07",
            "provider": "openai",
            "service_tier": "default",
            "tokens": 1536,
            "type": "cache_read",
            "usage_source": "provider",
          },
          "datacontenttype": "application/json",
          "id": "resp_087a396570773002016a85bfc12eac819d99f4822905dacdd5:cache_read",
          "source": "llm-meter",
          "specversion": "1.0",
          "subject": "customer-1",
          "time": "2026-08-19T14:37:53.000Z",
          "type": "prompt",
        },
        {
          "data": {
            "endpoint": "responses",
            "model": "gpt-5-nano-2025-08-07",
            "provider": "openai",
            "service_tier": "default",
            "tokens": 393,
            "type": "output",
            "usage_source": "provider",
          },
          "datacontenttype": "application/json",
          "id": "resp_087a396570773002016a85bfc12eac819d99f4822905dacdd5:output",
          "source": "llm-meter",
          "specversion": "1.0",
          "subject": "customer-1",
          "time": "2026-08-19T14:37:53.000Z",
          "type": "prompt",
        },
      ]
    `);
  });

  it('maps an embeddings response with the SDK request id', () => {
    const record = find((candidate) => candidate.name === 'alexrudall__ruby-openai.jsonl#17');
    const response = { ...(record.response as object) } as Record<string, unknown>;
    Object.defineProperty(response, '_request_id', { value: 'req_123', enumerable: false });
    expect(
      toUsageEvent(response as unknown as MeterableResponse, {
        subject: 'customer-1',
        now: () => new Date('2026-01-01T00:00:00Z'),
      }),
    ).toMatchInlineSnapshot(`
      {
        "data": {
          "cache_write_1h_tokens": 0,
          "cache_write_tokens": 0,
          "cached_tokens": 0,
          "completion_tokens": 0,
          "endpoint": "embeddings",
          "model": "text-embedding-ada-002",
          "prompt_tokens": 8,
          "provider": "openai",
          "reasoning_tokens": 0,
          "total_tokens": 8,
          "usage_source": "provider",
        },
        "datacontenttype": "application/json",
        "id": "req_123",
        "source": "llm-meter",
        "specversion": "1.0",
        "subject": "customer-1",
        "time": "2026-01-01T00:00:00.000Z",
        "type": "openai",
      }
    `);
  });

  it('spells ids one way: id overrides, fallbackId falls back (embeddings)', () => {
    const record = find((candidate) => candidate.name === 'alexrudall__ruby-openai.jsonl#17');
    const response = { ...(record.response as object) } as Record<string, unknown>;
    const now = () => new Date('2026-01-01T00:00:00Z');
    const idOf = (given: Partial<ToUsageEventOptions>) =>
      toUsageEvent(response as unknown as MeterableResponse, { subject: 's', now, ...given }).id;
    expect(idOf({ fallbackId: 'fallback' })).toBe('fallback');
    Object.defineProperty(response, '_request_id', { value: 'req_123', enumerable: false });
    expect(idOf({ fallbackId: 'fallback' })).toBe('req_123');
    expect(idOf({ fallbackId: 'fallback', id: 'override' })).toBe('override');
  });

  it('estimates a chat completion without usage from its request', () => {
    const record = find((candidate) => candidate.name === 'alexrudall__ruby-openai.jsonl#2');
    const { usage: _usage, ...response } = record.response as Record<string, unknown>;
    const event = toUsageEvent(response as unknown as MeterableResponse, {
      subject: 'customer-1',
      request: record.request,
    });
    expect(event.data).toMatchInlineSnapshot(`
      {
        "cache_write_1h_tokens": 0,
        "cache_write_tokens": 0,
        "cached_tokens": 0,
        "cached_tokens_unknown": true,
        "completion_tokens": 10,
        "endpoint": "chat.completions",
        "estimate_reason": "no_usage",
        "model": "gpt-3.5-turbo-0613",
        "prompt_tokens": 9,
        "provider": "openai",
        "reasoning_tokens": 0,
        "requested_model": "gpt-3.5-turbo",
        "total_tokens": 19,
        "usage_source": "estimated",
      }
    `);
    // The recorded usage was prompt 9, completion 10.
    expect(event.data.total_tokens).toBe(19);
  });
});

const chat = {
  object: 'chat.completion',
  id: 'chatcmpl-1',
  created: 1700000000,
  model: 'gpt-4o-mini',
  usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
} as const;

const badCases: Array<{
  name: string;
  given: { response: unknown; options?: Partial<ToUsageEventOptions> };
  want: string;
}> = [
  { name: 'no usage, no request', given: { response: { ...chat, usage: null } }, want: 'usage' },
  { name: 'missing id', given: { response: { ...chat, id: undefined } }, want: 'id' },
  { name: 'empty id', given: { response: { ...chat, id: '' } }, want: 'id' },
  {
    name: 'missing created',
    given: { response: { ...chat, created: undefined } },
    want: 'created',
  },
  { name: 'NaN created', given: { response: { ...chat, created: Number.NaN } }, want: 'created' },
  { name: 'missing model', given: { response: { ...chat, model: undefined } }, want: 'model' },
  {
    name: 'negative prompt tokens',
    given: { response: { ...chat, usage: { ...chat.usage, prompt_tokens: -1, total_tokens: 4 } } },
    want: 'usage.prompt_tokens',
  },
  {
    name: 'fractional completion tokens',
    given: { response: { ...chat, usage: { ...chat.usage, completion_tokens: 5.5 } } },
    want: 'usage.completion_tokens',
  },
  {
    name: 'NaN total',
    given: { response: { ...chat, usage: { ...chat.usage, total_tokens: Number.NaN } } },
    want: 'usage.total_tokens',
  },
  {
    name: 'string count',
    given: { response: { ...chat, usage: { ...chat.usage, prompt_tokens: '10' } } },
    want: 'usage.prompt_tokens',
  },
  {
    name: 'missing completion tokens',
    given: { response: { ...chat, usage: { prompt_tokens: 10, total_tokens: 15 } } },
    want: 'usage.completion_tokens',
  },
  {
    name: 'total does not add up',
    given: { response: { ...chat, usage: { ...chat.usage, total_tokens: 16 } } },
    want: 'usage.total_tokens',
  },
  {
    name: 'cached exceeds prompt',
    given: {
      response: { ...chat, usage: { ...chat.usage, prompt_tokens_details: { cached_tokens: 11 } } },
    },
    want: 'usage.prompt_tokens_details.cached_tokens',
  },
  {
    name: 'reasoning exceeds completion',
    given: {
      response: {
        ...chat,
        usage: { ...chat.usage, completion_tokens_details: { reasoning_tokens: 6 } },
      },
    },
    want: 'usage.completion_tokens_details.reasoning_tokens',
  },
  {
    name: 'responses total does not add up',
    given: {
      response: {
        object: 'response',
        id: 'resp_1',
        created_at: 1700000000,
        model: 'gpt-4o',
        status: 'completed',
        usage: { input_tokens: 3, output_tokens: 4, total_tokens: 8 },
      },
    },
    want: 'usage.total_tokens',
  },
  {
    name: 'responses cached exceeds input',
    given: {
      response: {
        object: 'response',
        id: 'resp_1',
        created_at: 1700000000,
        model: 'gpt-4o',
        usage: {
          input_tokens: 3,
          output_tokens: 4,
          total_tokens: 7,
          input_tokens_details: { cached_tokens: 4 },
        },
      },
    },
    want: 'usage.input_tokens_details.cached_tokens',
  },
  {
    name: 'embeddings without id',
    given: {
      response: {
        object: 'list',
        data: [],
        model: 'text-embedding-3-small',
        usage: { prompt_tokens: 1, total_tokens: 1 },
      },
      options: { fallbackId: undefined },
    },
    want: 'options.fallbackId',
  },
  {
    name: 'embeddings without time',
    given: {
      response: {
        object: 'list',
        data: [],
        model: 'text-embedding-3-small',
        usage: { prompt_tokens: 1, total_tokens: 1 },
      },
      options: { fallbackId: 'req_1', now: undefined },
    },
    want: 'options.now',
  },
  {
    name: 'empty subject',
    given: { response: chat, options: { subject: '' } },
    want: 'options.subject',
  },
  {
    name: 'dimension clobbers a reserved key',
    given: { response: chat, options: { dimensions: { model: 'cheap' } } },
    want: 'options.dimensions.model',
  },
  {
    name: 'dimension is an object',
    given: { response: chat, options: { dimensions: { feature: {} as never } } },
    want: 'options.dimensions.feature',
  },
  {
    name: 'dimension is Infinity',
    given: { response: chat, options: { dimensions: { weight: Number.POSITIVE_INFINITY } } },
    want: 'options.dimensions.weight',
  },
  {
    name: 'a stream chunk',
    given: { response: { ...chat, object: 'chat.completion.chunk' } },
    want: 'object',
  },
  { name: 'unknown object', given: { response: { object: 'thing' } }, want: 'object' },
];

describe('toUsageEvent refuses bad input', () => {
  it.each(badCases)('$name', ({ given, want }) => {
    let thrown: unknown;
    try {
      toUsageEvent(given.response as MeterableResponse, {
        subject: 'customer-1',
        ...given.options,
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UsageEventError);
    expect((thrown as UsageEventError).field).toBe(want);
  });
});
