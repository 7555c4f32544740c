import { describe, expect, it } from 'vitest';
import type { UsageEvent } from '../../../events/usage-event.js';
import type { StreamEndReason } from '../../../stream/stream-meter-options.js';
import { expectedAnthropicRecord } from '../events/__fixtures__/expected-anthropic-record.js';
import {
  type AnthropicFixtureRecord,
  readAnthropicFixtures,
} from '../events/__fixtures__/read-anthropic-fixtures.js';
import { type AnthropicStreamEventLike, AnthropicStreamMeter } from './anthropic-stream-meter.js';
import { meterAnthropicStream } from './meter-anthropic-stream.js';

const now = () => new Date('2026-12-07T12:00:00.000Z');
const options = { subject: 'customer-1', now, fallbackId: 'request-1' };
const streams = readAnthropicFixtures().filter((record) => record.stream);

function eventsOf(record: AnthropicFixtureRecord): AnthropicStreamEventLike[] {
  return (record.sse_events ?? []) as AnthropicStreamEventLike[];
}

function meter({
  record,
  events = eventsOf(record),
  reason = 'completed',
}: {
  record: AnthropicFixtureRecord;
  events?: AnthropicStreamEventLike[];
  reason?: StreamEndReason;
}): UsageEvent {
  const streamMeter = new AnthropicStreamMeter({ request: record.request, options });
  for (const event of events) streamMeter.push(event);
  return streamMeter.finish({ reason });
}

function recorded(name: string): AnthropicFixtureRecord {
  const record = streams.find((candidate) => candidate.name === name);
  if (!record) throw new Error(`no recorded stream ${name}`);
  return record;
}

describe('AnthropicStreamMeter on every recorded stream', () => {
  it("equals Anthropic's merged final usage exactly", () => {
    const mismatches: string[] = [];
    for (const record of streams) {
      const event = meter({ record });
      const start = eventsOf(record)[0]?.message;
      const expected = {
        ...expectedAnthropicRecord(record.usage),
        model: start?.model,
        usage_source: 'provider',
      };
      const actual = Object.fromEntries(Object.keys(expected).map((key) => [key, event.data[key]]));
      if (event.id !== start?.id || JSON.stringify(actual) !== JSON.stringify(expected)) {
        mismatches.push(`${record.name}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(streams).toHaveLength(271);
  });

  it('takes the input side from message_delta when server tools grew it', () => {
    const record = recorded('Mirascope__mirascope.jsonl#125');
    const start = eventsOf(record)[0]?.message?.usage;
    expect(start).toMatchObject({ input_tokens: 3, cache_creation_input_tokens: 2474 });
    expect(meter({ record }).data).toMatchInlineSnapshot(`
      {
        "cache_write_1h_tokens": 0,
        "cache_write_5m_tokens": 2474,
        "cache_write_tokens": 24164,
        "cached_tokens": 16392,
        "completion_tokens": 594,
        "endpoint": "messages",
        "model": "claude-sonnet-4-20250514",
        "prompt_tokens": 40573,
        "provider": "anthropic",
        "reasoning_tokens": 0,
        "requested_model": "claude-sonnet-4-0",
        "service_tier": "standard",
        "total_tokens": 41167,
        "usage_source": "provider",
        "web_search_calls": 2,
      }
    `);
  });

  it('takes the billed top-level totals from message_delta with an advisor pass', () => {
    expect(meter({ record: recorded('pydantic__pydantic-ai.jsonl#118') }).data).toMatchObject({
      prompt_tokens: 2411 + 2543,
      completion_tokens: 145 + 18,
      advisor_model: 'claude-opus-4-8',
      reasoning_tokens: 47,
    });
  });
});

describe('AnthropicStreamMeter on streams cut at every point', () => {
  it('yields one event per cut: the provider usage once message_delta arrived, else an estimate with the input from message_start', () => {
    let cuts = 0;
    for (const record of streams) {
      const events = eventsOf(record);
      const deltaIndex = events.findIndex((event) => event.type === 'message_delta');
      const start = meter({ record, events: events.slice(0, 1), reason: 'aborted' });
      for (let cut = 0; cut <= events.length; cut += 1) {
        cuts += 1;
        const event = meter({ record, events: events.slice(0, cut), reason: 'aborted' });
        if (cut > deltaIndex) {
          expect(event.data.usage_source, record.name).toBe('provider');
          continue;
        }
        expect(event.data, record.name).toMatchObject({
          usage_source: 'estimated',
          estimate_reason: 'aborted',
        });
        if (cut === 0) {
          expect(event.id).toBe('request-1');
          expect(event.data.cached_tokens_unknown).toBe(true);
          continue;
        }
        // The input side is Anthropic's own from message_start; output only grows with the text.
        expect(event.id).toBe(events[0]?.message?.id);
        expect(event.data.prompt_tokens, record.name).toBe(start.data.prompt_tokens);
        expect(event.data.cached_tokens_unknown).toBeUndefined();
        expect(event.data.completion_tokens).toBeGreaterThanOrEqual(start.data.completion_tokens);
      }
    }
    expect(cuts).toBeGreaterThan(7000);
  });

  it('names an error event as the reason, and a clean end without usage as no_usage_chunk', () => {
    const record = recorded('Mirascope__mirascope.jsonl#125');
    const events = eventsOf(record);
    const beforeDelta = events.slice(
      0,
      events.findIndex((event) => event.type === 'message_delta'),
    );
    const failed = meter({
      record,
      events: [...beforeDelta, { type: 'error', error: { type: 'overloaded_error' } } as never],
    });
    expect(failed.data.estimate_reason).toBe('error');
    // The searches the stream showed are counted, the input is message_start's (a floor).
    expect(failed.data).toMatchObject({ web_search_calls: 2, prompt_tokens: 3 + 2474 });
    expect(meter({ record, events: beforeDelta }).data.estimate_reason).toBe('no_usage_chunk');
  });

  it('estimates a stream cut after its text, flagging thinking it cannot see', () => {
    const record = recorded('simonw__llm-anthropic.jsonl#5');
    const events = eventsOf(record);
    const cut = events.filter((event) => event.type !== 'message_delta');
    expect(meter({ record, events: cut, reason: 'aborted' }).data).toMatchInlineSnapshot(`
      {
        "cache_write_1h_tokens": 0,
        "cache_write_5m_tokens": 0,
        "cache_write_tokens": 0,
        "cached_tokens": 0,
        "completion_tokens": 100,
        "endpoint": "messages",
        "estimate_reason": "aborted",
        "inference_geo": "not_available",
        "model": "claude-haiku-4-5-20251001",
        "prompt_tokens": 598,
        "provider": "anthropic",
        "reasoning_tokens": 0,
        "reasoning_tokens_unknown": true,
        "requested_model": "claude-haiku-4-5-20251001",
        "service_tier": "standard",
        "total_tokens": 698,
        "usage_source": "estimated",
      }
    `);
  });

  it('refuses to meter without a clock, or a stream with no id at all', () => {
    const record = streams[0] as AnthropicFixtureRecord;
    const noClock = new AnthropicStreamMeter({
      request: record.request,
      options: { subject: 's' },
    });
    for (const event of eventsOf(record)) noClock.push(event);
    expect(() => noClock.finish({ reason: 'completed' })).toThrow(
      expect.objectContaining({ field: 'options.now' }),
    );
    const noId = new AnthropicStreamMeter({
      request: record.request,
      options: { subject: 's', now },
    });
    expect(() => noId.finish({ reason: 'aborted' })).toThrow(
      expect.objectContaining({ field: 'id' }),
    );
  });

  it('never throws on malformed events', () => {
    const streamMeter = new AnthropicStreamMeter({
      request: { model: 'claude-haiku-4-5', messages: [] },
      options,
    });
    for (const event of [
      null,
      42,
      'x',
      { type: 'message_start', message: 7 },
      { type: 'content_block_delta', delta: { type: 'text_delta', text: 3 } },
      { type: 'message_delta', usage: [] },
    ]) {
      streamMeter.push(event as never);
    }
    expect(streamMeter.finish({ reason: 'completed' }).data.usage_source).toBe('estimated');
  });

  it('falls back to an estimate when message_delta carries malformed usage', () => {
    const record = recorded('Mirascope__mirascope.jsonl#125');
    const events = eventsOf(record).map((event) =>
      event.type === 'message_delta' ? { ...event, usage: { output_tokens: -1 } } : event,
    );
    expect(meter({ record, events }).data.estimate_reason).toBe('invalid_usage');
  });
});

describe('meterAnthropicStream', () => {
  async function* replay(events: AnthropicStreamEventLike[], failAt?: number) {
    for (const [index, event] of events.entries()) {
      if (index === failAt) throw new Error('connection reset');
      yield event;
    }
  }

  it('passes every event through and reports once, on completion, break and failure', async () => {
    const record = recorded('Mirascope__mirascope.jsonl#125');
    const events = eventsOf(record);
    const seen: UsageEvent[] = [];
    const onUsage = (event: UsageEvent) => {
      seen.push(event);
    };
    const passed: AnthropicStreamEventLike[] = [];
    for await (const event of meterAnthropicStream(replay(events), {
      ...options,
      request: record.request,
      onUsage,
    })) {
      passed.push(event);
    }
    expect(passed).toEqual(events);
    for await (const event of meterAnthropicStream(replay(events), {
      ...options,
      request: record.request,
      onUsage,
    })) {
      if (event.type === 'content_block_delta') break;
    }
    await expect(async () => {
      for await (const _event of meterAnthropicStream(replay(events, 5), {
        ...options,
        request: record.request,
        onUsage,
      })) {
        // read on
      }
    }).rejects.toThrow('connection reset');
    expect(seen.map((event) => [event.data.usage_source, event.data.estimate_reason])).toEqual([
      ['provider', undefined],
      ['estimated', 'aborted'],
      ['estimated', 'error'],
    ]);
  });

  it('reports exactly once for a stream failing, or left, at every point', async () => {
    for (const record of streams.filter((candidate) => candidate.file.startsWith('simonw'))) {
      const events = eventsOf(record);
      for (let cut = 0; cut <= events.length; cut += 1) {
        for (const ending of ['fail', 'break'] as const) {
          const reported: UsageEvent[] = [];
          const metered = meterAnthropicStream(
            replay(events, ending === 'fail' ? cut : undefined),
            {
              ...options,
              request: record.request,
              onUsage: (event) => {
                reported.push(event);
              },
            },
          );
          let read = 0;
          try {
            for await (const _event of metered) {
              read += 1;
              if (ending === 'break' && read === cut) break;
            }
          } catch {
            // the replay's connection reset
          }
          expect(reported, `${record.name} ${ending} at ${cut}`).toHaveLength(1);
        }
      }
    }
  });
});
