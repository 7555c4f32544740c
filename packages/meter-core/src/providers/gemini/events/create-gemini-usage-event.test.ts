import { describe, expect, it } from 'vitest';
import type { UsageEvent } from '../../../events/usage-event.js';
import { UsageEventError } from '../../../events/usage-event-error.js';
import { GeminiChunkDecoder } from '../stream/gemini-chunk-decoder.js';
import { GeminiStreamMeter } from '../stream/gemini-stream-meter.js';
import {
  type GeminiFixtureRecord,
  isSseRecord,
  isVertexRecord,
  readGeminiFixtures,
  renderStreamBody,
} from './__fixtures__/read-gemini-fixtures.js';
import { convertGeminiUsage } from './convert-gemini-usage.js';
import { createGeminiUsageEvent } from './create-gemini-usage-event.js';
import type { GeminiUsageMetadata } from './gemini-response-types.js';

const options = { subject: 'customer-1', now: () => new Date('2026-12-07T12:00:00.000Z') };

// What Gemini's own numbers say each event must carry, computed here apart from the mapping:
// input billed = prompt (cache reads included) + server-tool input; output = visible + thoughts.
function want(usage: GeminiUsageMetadata) {
  const prompt = (usage.promptTokenCount ?? 0) + (usage.toolUsePromptTokenCount ?? 0);
  const completion = (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: usage.totalTokenCount ?? prompt + completion,
    cached_tokens: usage.cachedContentTokenCount ?? 0,
    reasoning_tokens: usage.thoughtsTokenCount ?? 0,
  };
}

function meterRecordedStream(record: GeminiFixtureRecord, pieceSize: number): UsageEvent {
  const meter = new GeminiStreamMeter({
    request: record.request,
    options: { ...options, requestedModel: record.model_requested },
  });
  const decoder = new GeminiChunkDecoder();
  const body = renderStreamBody(record);
  let chunks = 0;
  for (let start = 0; start < body.length; start += pieceSize) {
    for (const chunk of decoder.decode(body.slice(start, start + pieceSize)).chunks) {
      meter.push(chunk);
      chunks += 1;
    }
  }
  for (const chunk of decoder.flush().chunks) {
    meter.push(chunk);
    chunks += 1;
  }
  expect(chunks, record.name).toBe(record.sse_events?.length);
  return meter.finish({ reason: 'completed' });
}

const records = readGeminiFixtures();
// countTokens is a free count, not a billed call: nothing to meter.
const leftOut = records.filter((record) => record.endpoint === 'countTokens');
const blocking = records.filter((record) => record.endpoint === 'generateContent');
const streams = records.filter((record) => record.endpoint === 'streamGenerateContent');
const embeddings = records.filter((record) => record.endpoint.includes('mbedContent'));

describe('createGeminiUsageEvent over every recorded exchange with usage', () => {
  it('covers every recording but the countTokens calls', () => {
    expect(records).toHaveLength(976);
    expect(leftOut.map((record) => record.endpoint)).toEqual(Array(7).fill('countTokens'));
    expect([blocking.length, streams.length, embeddings.length]).toEqual([806, 147, 16]);
    const mapped = [...blocking, ...streams, ...embeddings];
    expect([mapped.length, mapped.filter(isVertexRecord).length]).toEqual([969, 223]);
    expect(streams.filter(isSseRecord)).toHaveLength(128);
  });

  it.each(blocking.map((record) => [record.name, record] as const))(
    'generateContent %s equals Gemini usage',
    (_name, record) => {
      const response = record.response ?? {};
      const event = createGeminiUsageEvent(response, {
        ...options,
        requestedModel: record.model_requested,
        fallbackId: `fallback:${record.name}`,
      });
      const usage = record.usage ?? {};
      expect(event.data).toMatchObject(want(usage));
      // Gemini's own equation holds on every record, so nothing billed is left out.
      expect(event.data.total_tokens).toBe(usage.totalTokenCount);
      expect(event.id).toBe(response.responseId ?? `fallback:${record.name}`);
      expect(event.data.model).toBe(response.modelVersion?.replace(/^models\//, ''));
      expect(event.data.provider).toBe('google');
      expect(event.data.usage_source).toBe('provider');
      expect(event.data.tool_use_prompt_tokens).toBe(usage.toolUsePromptTokenCount);
    },
  );

  it.each(streams.map((record) => [record.name, record] as const))(
    'streamGenerateContent %s equals the last chunk usage, as SSE or JSON array',
    (_name, record) => {
      const usage = record.usage ?? {};
      const last = (record.sse_events ?? []).at(-1);
      for (const pieceSize of [7, 1000, Number.MAX_SAFE_INTEGER]) {
        const event = meterRecordedStream(record, pieceSize);
        expect(event.data).toMatchObject(want(usage));
        expect(event.data.total_tokens).toBe(usage.totalTokenCount);
        expect(event.data.usage_source).toBe('provider');
        expect(event.id).toBe(last?.responseId);
        expect(event.data.model).toBe(last?.modelVersion);
      }
    },
  );

  it.each(embeddings.map((record) => [record.name, record] as const))(
    '%s equals the embeddings usage (prompt only)',
    (_name, record) => {
      const event = createGeminiUsageEvent(record.response ?? {}, {
        ...options,
        requestedModel: record.model_requested,
        fallbackId: 'request-1',
      });
      const usage = record.usage ?? {};
      expect(event.data).toMatchObject({ ...want(usage), completion_tokens: 0 });
      expect(event.data.total_tokens).toBe(usage.promptTokenCount);
      expect(event.data.endpoint).toBe(record.endpoint);
      expect(event.data.model).toBe(record.model_requested);
    },
  );
});

function pick(predicate: (record: GeminiFixtureRecord) => boolean): GeminiFixtureRecord {
  const record = blocking.find(predicate);
  if (!record) throw new Error('no such recording');
  return record;
}

function eventOf(record: GeminiFixtureRecord): UsageEvent {
  return createGeminiUsageEvent(record.response ?? {}, {
    ...options,
    requestedModel: record.model_requested,
  });
}

describe('createGeminiUsageEvent events', () => {
  it('maps a plain Generative Language API answer, whose time comes from options.now', () => {
    const record = pick(
      (candidate) =>
        candidate.categories.includes('plain_text') &&
        !candidate.usage?.thoughtsTokenCount &&
        !isVertexRecord(candidate),
    );
    expect(eventOf(record)).toMatchInlineSnapshot(`
      {
        "data": {
          "cache_write_1h_tokens": 0,
          "cache_write_tokens": 0,
          "cached_tokens": 0,
          "completion_tokens": 34,
          "endpoint": "generateContent",
          "model": "gemini-2.5-flash",
          "prompt_tokens": 13,
          "provider": "google",
          "reasoning_tokens": 0,
          "requested_model": "gemini-2.5-flash",
          "total_tokens": 47,
          "usage_source": "provider",
        },
        "datacontenttype": "application/json",
        "id": "dJ9gaf-WFaelmtkP0vP24Qc",
        "source": "llm-meter",
        "specversion": "1.0",
        "subject": "customer-1",
        "time": "2026-12-07T12:00:00.000Z",
        "type": "openai",
      }
    `);
  });

  it('maps cache reads inside the prompt', () => {
    expect(
      eventOf(pick((record) => (record.usage?.cachedContentTokenCount ?? 0) > 0)),
    ).toMatchInlineSnapshot(`
      {
        "data": {
          "cache_write_1h_tokens": 0,
          "cache_write_tokens": 0,
          "cached_tokens": 3055,
          "completion_tokens": 2205,
          "endpoint": "generateContent",
          "model": "gemini-2.5-flash",
          "prompt_tokens": 3797,
          "provider": "google",
          "reasoning_tokens": 1549,
          "requested_model": "gemini-2.5-flash",
          "total_tokens": 6002,
          "usage_source": "provider",
        },
        "datacontenttype": "application/json",
        "id": "vJtEafuCBsCDz7IP1ZXs0Ao",
        "source": "llm-meter",
        "specversion": "1.0",
        "subject": "customer-1",
        "time": "2026-12-07T12:00:00.000Z",
        "type": "openai",
      }
    `);
  });

  it('bills thoughts as output', () => {
    expect(
      eventOf(
        pick(
          (record) =>
            (record.usage?.thoughtsTokenCount ?? 0) > 0 &&
            !record.usage?.cachedContentTokenCount &&
            record.categories.includes('plain_text'),
        ),
      ),
    ).toMatchInlineSnapshot(`
      {
        "data": {
          "cache_write_1h_tokens": 0,
          "cache_write_tokens": 0,
          "cached_tokens": 0,
          "completion_tokens": 1095,
          "endpoint": "generateContent",
          "model": "gemini-2.5-flash",
          "prompt_tokens": 4464,
          "provider": "google",
          "reasoning_tokens": 958,
          "requested_model": "gemini-2.5-flash",
          "total_tokens": 5559,
          "usage_source": "provider",
        },
        "datacontenttype": "application/json",
        "id": "wptEacjvNIPUz7IPleLH8Ak",
        "source": "llm-meter",
        "specversion": "1.0",
        "subject": "customer-1",
        "time": "2026-12-07T12:00:00.000Z",
        "type": "openai",
      }
    `);
  });

  it('bills server-tool input as input', () => {
    expect(
      eventOf(pick((record) => (record.usage?.toolUsePromptTokenCount ?? 0) > 0)),
    ).toMatchInlineSnapshot(`
      {
        "data": {
          "cache_write_1h_tokens": 0,
          "cache_write_tokens": 0,
          "cached_tokens": 0,
          "completion_tokens": 401,
          "endpoint": "generateContent",
          "model": "gemini-2.5-flash",
          "prompt_tokens": 166,
          "provider": "google",
          "reasoning_tokens": 324,
          "requested_model": "gemini-2.5-flash",
          "tool_use_prompt_tokens": 134,
          "total_tokens": 567,
          "usage_source": "provider",
        },
        "datacontenttype": "application/json",
        "id": "ojp5aZbpKMasz7IPvJuwsAc",
        "source": "llm-meter",
        "specversion": "1.0",
        "subject": "customer-1",
        "time": "2026-12-07T12:00:00.000Z",
        "type": "openai",
      }
    `);
  });

  it('maps Vertex AI with its traffic type and createTime', () => {
    expect(
      eventOf(
        pick((record) => isVertexRecord(record) && record.usage?.trafficType === 'ON_DEMAND_FLEX'),
      ),
    ).toMatchInlineSnapshot(`
      {
        "data": {
          "cache_write_1h_tokens": 0,
          "cache_write_tokens": 0,
          "cached_tokens": 0,
          "completion_tokens": 52,
          "endpoint": "generateContent",
          "model": "gemini-3-flash-preview",
          "prompt_tokens": 5,
          "provider": "google",
          "reasoning_tokens": 51,
          "requested_model": "gemini-3-flash-preview",
          "total_tokens": 57,
          "traffic_type": "ON_DEMAND_FLEX",
          "usage_source": "provider",
        },
        "datacontenttype": "application/json",
        "id": "T9--adqvDqL4vdIPz7X2iQ4",
        "source": "llm-meter",
        "specversion": "1.0",
        "subject": "customer-1",
        "time": "2026-03-21T18:11:27.235Z",
        "type": "openai",
      }
    `);
  });

  it('reads enums sent as numbers (enum-encoding=int)', () => {
    expect(
      eventOf(pick((record) => typeof record.usage?.trafficType === 'number')),
    ).toMatchInlineSnapshot(`
      {
        "data": {
          "cache_write_1h_tokens": 0,
          "cache_write_tokens": 0,
          "cached_tokens": 0,
          "completion_tokens": 216,
          "endpoint": "generateContent",
          "model": "gemini-2.5-pro",
          "prompt_tokens": 74,
          "provider": "google",
          "reasoning_tokens": 200,
          "requested_model": "gemini-2.5-pro",
          "total_tokens": 290,
          "traffic_type": "ON_DEMAND",
          "usage_source": "provider",
        },
        "datacontenttype": "application/json",
        "id": "XZCkaLWWF8qm1dkP7rOm6AM",
        "source": "llm-meter",
        "specversion": "1.0",
        "subject": "customer-1",
        "time": "2025-08-19T14:55:25.379Z",
        "type": "openai",
      }
    `);
  });

  it('maps audio, image and video input', () => {
    const record = pick((candidate) =>
      ['AUDIO', 'VIDEO'].every((modality) =>
        candidate.usage?.promptTokensDetails?.some((entry) => entry.modality === modality),
      ),
    );
    expect(eventOf(record).data).toMatchInlineSnapshot(`
      {
        "cache_write_1h_tokens": 0,
        "cache_write_tokens": 0,
        "cached_tokens": 0,
        "completion_tokens": 1375,
        "endpoint": "generateContent",
        "model": "gemini-2.5-flash",
        "prompt_audio_tokens": 428,
        "prompt_tokens": 4119,
        "prompt_video_tokens": 3682,
        "provider": "google",
        "reasoning_tokens": 1093,
        "requested_model": "gemini-2.5-flash",
        "service_tier": "standard",
        "total_tokens": 5494,
        "usage_source": "provider",
      }
    `);
  });
});

describe('malformed Gemini usage', () => {
  const usage = { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 };

  it.each([
    [{ ...usage, promptTokenCount: -1 }, 'usageMetadata.promptTokenCount'],
    [{ ...usage, promptTokenCount: undefined }, 'usageMetadata.promptTokenCount'],
    [{ ...usage, candidatesTokenCount: 1.5 }, 'usageMetadata.candidatesTokenCount'],
    [{ ...usage, thoughtsTokenCount: '3' }, 'usageMetadata.thoughtsTokenCount'],
    [{ ...usage, totalTokenCount: 14 }, 'usageMetadata.totalTokenCount'],
    [{ ...usage, totalTokenCount: undefined }, 'usageMetadata.totalTokenCount'],
    [{ ...usage, cachedContentTokenCount: 11 }, 'usageMetadata.cachedContentTokenCount'],
    [
      { ...usage, promptTokensDetails: [{ modality: 'AUDIO', tokenCount: -2 }] },
      'usageMetadata.promptTokensDetails[0].tokenCount',
    ],
    [
      { ...usage, promptTokensDetails: [{ modality: 'AUDIO', tokenCount: 11 }] },
      'usageMetadata.promptTokensDetails[AUDIO]',
    ],
  ])('refuses %o naming %s', (malformed, field) => {
    const convert = () => convertGeminiUsage({ usage: malformed as GeminiUsageMetadata });
    expect(convert).toThrow(UsageEventError);
    expect(convert).toThrow(expect.objectContaining({ field }));
  });

  it('needs options.now without createTime, and an id without responseId', () => {
    const response = { modelVersion: 'gemini-2.5-flash', usageMetadata: usage };
    expect(() =>
      createGeminiUsageEvent({ ...response, responseId: 'r-1' }, { subject: 'customer-1' }),
    ).toThrow('options.now: the response carries no createTime');
    expect(() => createGeminiUsageEvent(response, options)).toThrow(
      'responseId: is missing: pass options.fallbackId',
    );
    expect(() => createGeminiUsageEvent({ responseId: 'r-1', modelVersion: 'm' }, options)).toThrow(
      'usageMetadata: the response carries no usageMetadata: pass options.request',
    );
  });

  it('estimates a response without usage from its request', () => {
    const event = createGeminiUsageEvent(
      {
        responseId: 'r-1',
        modelVersion: 'gemini-2.5-flash',
        candidates: [{ content: { parts: [{ text: 'Paris is the capital of France.' }] } }],
      },
      {
        ...options,
        request: {
          contents: [{ role: 'user', parts: [{ text: 'What is the capital of France?' }] }],
        },
      },
    );
    expect(event.data).toMatchObject({
      usage_source: 'estimated',
      estimate_reason: 'no_usage',
      reasoning_tokens_unknown: true,
      cached_tokens_unknown: true,
    });
    expect(event.data.completion_tokens).toBeGreaterThan(0);
    expect(event.data.prompt_tokens).toBeGreaterThan(0);
  });
});
