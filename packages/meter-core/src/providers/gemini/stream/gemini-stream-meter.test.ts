import { describe, expect, it } from 'vitest';
import type { UsageEvent } from '../../../events/usage-event.js';
import { UsageEventError } from '../../../events/usage-event-error.js';
import { readGeminiFixtures } from '../events/__fixtures__/read-gemini-fixtures.js';
import type { GenerateContentResponseLike } from '../events/gemini-response-types.js';
import { GeminiStreamMeter } from './gemini-stream-meter.js';
import { meterGeminiStream } from './meter-gemini-stream.js';

const options = {
  subject: 'customer-1',
  requestedModel: 'gemini-2.5-flash',
  fallbackId: 'request-1',
  now: () => new Date('2026-12-07T12:00:00.000Z'),
};
const streams = readGeminiFixtures().filter((record) => record.stream);

function billedOutput(chunk: GenerateContentResponseLike | undefined): number {
  const usage = chunk?.usageMetadata;
  return (usage?.candidatesTokenCount ?? 0) + (usage?.thoughtsTokenCount ?? 0);
}

describe('GeminiStreamMeter on every recorded stream cut at every point', () => {
  it.each(streams.map((record) => [record.name, record] as const))('%s', (_name, record) => {
    const chunks = record.sse_events ?? [];
    for (let cut = 0; cut <= chunks.length; cut += 1) {
      const meter = new GeminiStreamMeter({ request: record.request, options });
      for (const chunk of chunks.slice(0, cut)) meter.push(chunk);
      for (const reason of ['aborted', 'completed', 'error'] as const) {
        const event = meter.finish({ reason });
        if (cut === chunks.length && reason === 'completed') {
          expect(event.data.usage_source).toBe('provider');
          continue;
        }
        expect(event.data).toMatchObject({
          usage_source: 'estimated',
          estimate_reason: reason === 'completed' ? 'aborted' : reason,
          cached_tokens_unknown: true,
        });
        expect(event.id).toBe(cut === 0 ? 'request-1' : chunks[0]?.responseId);
        // The last seen counts are a floor; a cut stream is never billed as nothing.
        expect(event.data.completion_tokens).toBeGreaterThanOrEqual(billedOutput(chunks[cut - 1]));
        expect(event.data.prompt_tokens).toBeGreaterThan(0);
        expect(event.data.total_tokens).toBe(
          event.data.prompt_tokens + event.data.completion_tokens,
        );
      }
    }
  });
});

async function* replay(chunks: readonly GenerateContentResponseLike[], failAt?: number) {
  for (const [index, chunk] of chunks.entries()) {
    if (index === failAt) throw new Error('connection reset');
    yield chunk;
  }
}

describe('meterGeminiStream', () => {
  const record = streams.find((candidate) => (candidate.sse_events?.length ?? 0) >= 4);
  const chunks = record?.sse_events ?? [];

  it('reports exactly one event whether the consumer reads all, stops or the stream fails', async () => {
    expect(chunks.length).toBeGreaterThanOrEqual(4);
    for (let stop = 0; stop <= chunks.length; stop += 1) {
      for (const mode of ['break', 'fail'] as const) {
        const events: UsageEvent[] = [];
        const metered = meterGeminiStream(replay(chunks, mode === 'fail' ? stop : undefined), {
          ...options,
          request: record?.request ?? {},
          onUsage: (event) => {
            events.push(event);
          },
        });
        let read = 0;
        let failed = false;
        try {
          for await (const _chunk of metered) {
            if (mode === 'break' && read === stop) break;
            read += 1;
          }
        } catch {
          failed = true;
        }
        expect(events).toHaveLength(1);
        // Only a stream read through its finishing chunk is billed with Gemini's usage.
        const complete = stop >= chunks.length;
        expect(events[0]?.data.usage_source).toBe(complete ? 'provider' : 'estimated');
        expect(failed).toBe(mode === 'fail' && stop < chunks.length);
      }
    }
  });
});

describe('GeminiStreamMeter edge cases', () => {
  const finalChunk: GenerateContentResponseLike = {
    responseId: 'r-1',
    modelVersion: 'gemini-2.5-flash',
    candidates: [{ content: { parts: [{ text: 'Hi.' }] }, finishReason: 'STOP' }],
    usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 2, totalTokenCount: 6 },
  };

  it('estimates a malformed final usage instead of refusing the stream', () => {
    const meter = new GeminiStreamMeter({ request: { contents: 'Hello' }, options });
    meter.push({
      ...finalChunk,
      usageMetadata: { ...finalChunk.usageMetadata, totalTokenCount: 5 },
    });
    expect(meter.finish({ reason: 'completed' }).data).toMatchObject({
      usage_source: 'estimated',
      estimate_reason: 'invalid_usage',
      prompt_tokens: 4,
      completion_tokens: 2,
    });
  });

  it('needs a fallback id when no chunk arrived, and a model from the start', () => {
    const meter = new GeminiStreamMeter({
      request: { contents: 'Hello', model: 'gemini-2.5-flash' },
      options: { subject: 's' },
    });
    expect(() => meter.finish({ reason: 'aborted' })).toThrow(UsageEventError);
    expect(
      () => new GeminiStreamMeter({ request: { contents: 'Hello' }, options: { subject: 's' } }),
    ).toThrow('options.requestedModel: is missing');
  });

  it('takes the prompt from the request while chunks leave it out, and output since', () => {
    const meter = new GeminiStreamMeter({
      request: { contents: [{ role: 'user', parts: [{ text: 'Tell me a long story.' }] }] },
      options,
    });
    meter.push({
      responseId: 'r-2',
      candidates: [{ content: { parts: [{ text: 'Once upon a time' }] } }],
      usageMetadata: { candidatesTokenCount: 4, totalTokenCount: 4 },
    });
    meter.push({
      candidates: [{ content: { parts: [{ text: ' there was a meter that counted.' }] } }],
    });
    const event = meter.finish({ reason: 'aborted' });
    expect(event.data.prompt_tokens).toBeGreaterThan(0);
    expect(event.data.completion_tokens).toBeGreaterThan(4);
    expect(event.id).toBe('r-2');
  });
});
