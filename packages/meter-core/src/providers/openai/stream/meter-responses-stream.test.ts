import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { UsageEvent } from '../../../events/usage-event.js';
import { getTokenizer } from '../../../tokenizer/get-tokenizer.js';
import { readOpenAIFixtures } from '../events/__fixtures__/read-openai-fixtures.js';
import { resolveEstimateEncoding } from '../events/resolve-estimate-encoding.js';
import { createChunkStream } from './__fixtures__/create-chunk-stream.js';
import { meterResponsesStream } from './meter-responses-stream.js';
import type { ResponseStreamEventLike } from './responses-stream-meter.js';

const responsesStreams = readOpenAIFixtures().filter(
  (record) => record.endpoint === 'responses' && record.stream,
);
const subject = 'customer-1';
const terminalTypes = ['response.completed', 'response.incomplete', 'response.failed'];

async function meter(
  events: ResponseStreamEventLike[],
  request: Record<string, unknown>,
): Promise<UsageEvent> {
  const onUsage = vi.fn<(event: UsageEvent) => void>();
  const seen: ResponseStreamEventLike[] = [];
  for await (const event of meterResponsesStream(createChunkStream({ chunks: events }), {
    request,
    subject,
    onUsage,
  })) {
    seen.push(event);
  }
  expect(seen).toStrictEqual(events);
  expect(onUsage).toHaveBeenCalledTimes(1);
  return onUsage.mock.calls[0]?.[0] as UsageEvent;
}

describe('meterResponsesStream over the shared fixtures', () => {
  it('reports the usage of the terminal event of every stream', async () => {
    expect(responsesStreams.length).toBeGreaterThan(80);
    for (const record of responsesStreams) {
      const events = record.sse_events as ResponseStreamEventLike[];
      const event = await meter(events, record.request);
      const usage = record.usage as Record<string, number>;
      expect(event.data, record.name).toMatchObject({
        prompt_tokens: usage.input_tokens,
        completion_tokens: usage.output_tokens,
        total_tokens: usage.total_tokens,
        usage_source: 'provider',
        endpoint: 'responses',
      });
      const terminal = events.find((candidate) => terminalTypes.includes(candidate.type ?? ''));
      expect(event.id).toBe(terminal?.response?.id);
    }
  });

  it('estimates the output of every stream cut before its terminal event from its deltas', async () => {
    for (const record of responsesStreams) {
      const events = (record.sse_events as ResponseStreamEventLike[]).filter(
        (candidate) => !terminalTypes.includes(candidate.type ?? ''),
      );
      const event = await meter(events, record.request);
      const texts = new Map<string, string>();
      for (const candidate of events) {
        if (
          candidate.type === 'response.output_text.delta' ||
          candidate.type === 'response.function_call_arguments.delta'
        ) {
          const key = `${candidate.type}:${candidate.item_id}:${candidate.content_index ?? 0}`;
          texts.set(key, (texts.get(key) ?? '') + String(candidate.delta));
        }
      }
      const tokenizer = getTokenizer(resolveEstimateEncoding({ model: event.data.model }));
      const textTokens = [...texts.values()].reduce((sum, text) => sum + tokenizer.count(text), 0);
      expect(event.data.usage_source).toBe('estimated');
      expect(event.data.estimate_reason).toBe('aborted');
      // Function names and code-interpreter code add to the text deltas counted here.
      expect(event.data.completion_tokens, record.name).toBeGreaterThanOrEqual(textTokens);
    }
  });

  it('marks an aborted estimate', async () => {
    const record = responsesStreams.find(
      (candidate) => candidate.name === 'alexrudall__ruby-openai.jsonl#15',
    );
    const events = ((record?.sse_events ?? []) as ResponseStreamEventLike[]).slice(0, 8);
    expect(await meter(events, record?.request ?? {})).toMatchInlineSnapshot(`
      {
        "data": {
          "cache_write_1h_tokens": 0,
          "cache_write_tokens": 0,
          "cached_tokens": 0,
          "cached_tokens_unknown": true,
          "completion_tokens": 5,
          "endpoint": "responses",
          "estimate_reason": "aborted",
          "model": "gpt-4o-2024-08-06",
          "prompt_tokens": 9,
          "provider": "openai",
          "reasoning_tokens": 0,
          "requested_model": "gpt-4o",
          "total_tokens": 14,
          "usage_source": "estimated",
        },
        "datacontenttype": "application/json",
        "id": "resp_67d4472d4e7c819095de160937303b1f0014ac40f9420c9c",
        "source": "llm-meter",
        "specversion": "1.0",
        "subject": "customer-1",
        "time": "2025-03-14T15:11:41.000Z",
        "type": "openai",
      }
    `);
  });
});

describe('meterResponsesStream properties', () => {
  const record = responsesStreams.find((candidate) => (candidate.sse_events?.length ?? 0) > 10);
  const events = (record?.sse_events ?? []) as ResponseStreamEventLike[];

  it('calls onUsage exactly once, with provider usage only after the terminal event', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: events.length }),
        fc.constantFrom('break', 'stream-error', 'truncated'),
        async (stopAt, mode) => {
          const onUsage = vi.fn<(event: UsageEvent) => void>();
          const metered = meterResponsesStream(
            createChunkStream({
              chunks: mode === 'truncated' ? events.slice(0, stopAt) : events,
              failAfter: mode === 'stream-error' ? stopAt : undefined,
            }),
            {
              request: record?.request ?? {},
              subject,
              onUsage,
              fallbackId: 'req_1',
              now: () => new Date(0),
            },
          );
          let seen = 0;
          try {
            for await (const _event of metered) {
              if (mode === 'break' && seen === stopAt) break;
              seen += 1;
            }
          } catch {
            // Expected for stream-error.
          }
          expect(onUsage).toHaveBeenCalledTimes(1);
          const sawTerminal = events
            // A break happens after the event at stopAt has been received and metered.
            .slice(0, mode === 'break' ? stopAt + 1 : stopAt)
            .some((event) => terminalTypes.includes(event.type ?? ''));
          expect(onUsage.mock.calls[0]?.[0].data.usage_source).toBe(
            sawTerminal ? 'provider' : 'estimated',
          );
        },
      ),
      { numRuns: 80, examples: [[events.length - 1, 'break']] },
    );
  });
});
