import { describe, expect, it } from 'vitest';
import {
  type AccuracyThreshold,
  expectAboveThreshold,
} from '../count/__fixtures__/expect-above-threshold.js';
import { readOpenAIFixtures } from '../events/__fixtures__/read-openai-fixtures.js';
import {
  measureOutputAccuracy,
  measureOutputOutcomes,
} from './__fixtures__/measure-output-accuracy.js';
import { type ChatCompletionChunkLike, ChatStreamMeter } from './chat-stream-meter.js';
import { type ResponseStreamEventLike, ResponsesStreamMeter } from './responses-stream-meter.js';

// The accuracy gate on output estimates: the stream meters (and toUsageEvent for chat
// completions with tool calls) with the provider's usage taken away, against OpenAI's recorded
// output tokens. Thresholds sit a little below what the fitted rules reach (PROMPT-FORMAT.md).
const thresholds: Record<string, AccuracyThreshold> = {
  chat_stream_text: { count: 15, exactPercent: 80, withinTwoPercent: 97 },
  chat_stream_tool_calls: { count: 20, exactPercent: 90, withinTwoPercent: 97 },
  chat_response_tool_calls: { count: 55, exactPercent: 78, withinTwoPercent: 96 },
  responses_stream_text: { count: 35, exactPercent: 75, withinTwoPercent: 90 },
  responses_stream_function_calls: { count: 12, exactPercent: 80, withinTwoPercent: 90 },
};

const options = { subject: 'accuracy', fallbackId: 'accuracy', now: () => new Date(0) };
const terminalTypes = new Set(['response.completed', 'response.incomplete', 'response.failed']);

describe('output estimates on the recorded exchanges', () => {
  const outcomes = measureOutputOutcomes();

  it.each(measureOutputAccuracy(outcomes))('$category stays above its thresholds', (summary) => {
    expectAboveThreshold({ summary, thresholds });
  });

  it('never estimates more output than OpenAI billed', () => {
    expect(outcomes.filter((outcome) => outcome.error > 0)).toEqual([]);
  });
});

describe('estimates of reasoning models', () => {
  const streams = readOpenAIFixtures().filter(
    (record) => record.stream && /^(o\d|gpt-5)/.test(String(record.request.model)),
  );

  it('flag the hidden reasoning of every chat and Responses stream cut before its usage', () => {
    expect(streams.length).toBeGreaterThan(20);
    for (const record of streams) {
      let event: ReturnType<ChatStreamMeter['finish']>;
      if (record.endpoint === 'chat.completions') {
        const meter = new ChatStreamMeter({ request: record.request, options });
        for (const chunk of (record.sse_events ?? []) as ChatCompletionChunkLike[]) {
          meter.push({ ...chunk, usage: undefined });
        }
        event = meter.finish({ reason: 'completed' });
      } else if (record.endpoint === 'responses') {
        const meter = new ResponsesStreamMeter({ request: record.request, options });
        for (const item of (record.sse_events ?? []) as ResponseStreamEventLike[]) {
          if (!terminalTypes.has(item.type ?? '')) meter.push(item);
        }
        event = meter.finish({ reason: 'aborted' });
      } else {
        continue;
      }
      expect(event.data, record.name).toMatchObject({
        usage_source: 'estimated',
        reasoning_tokens: 0,
        reasoning_tokens_unknown: true,
        cached_tokens_unknown: true,
      });
    }
  });
});
