import { describe, expect, it } from 'vitest';
import type { UsageEvent } from '../events/usage-event.js';
import { AnthropicStreamMeter } from '../providers/anthropic/stream/anthropic-stream-meter.js';
import { GeminiStreamMeter } from '../providers/gemini/stream/gemini-stream-meter.js';
import { toUsageEvent } from '../providers/openai/events/to-usage-event.js';
import { ChatStreamMeter } from '../providers/openai/stream/chat-stream-meter.js';
import { ResponsesStreamMeter } from '../providers/openai/stream/responses-stream-meter.js';
import type { StreamMeterOptions } from '../stream/stream-meter-options.js';
import { createPendingCallEvent, type PendingCallEndpoint } from './create-pending-call-event.js';
import { revivePendingCall } from './revive-pending-call.js';

const time = new Date('2026-12-07T23:00:00.000Z');
const options = {
  subject: 'customer-1',
  source: 'proxy-a',
  type: 'llm',
  provider: 'azure',
  dimensions: { feature: 'chat' },
  fallbackId: 'req_pending_1',
  now: () => time,
} satisfies StreamMeterOptions;

const crashed = (event: UsageEvent): UsageEvent => ({
  ...event,
  data: { ...event.data, usage_source: 'estimated', estimate_reason: 'crashed' },
});

const cases: Array<{
  endpoint: PendingCallEndpoint;
  request: Record<string, unknown>;
  requestedModel?: string;
  expected: () => UsageEvent;
}> = [
  {
    endpoint: 'chat.completions',
    request: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Name a lighthouse.' }] },
    expected() {
      return new ChatStreamMeter({ request: this.request as never, options }).finish({
        reason: 'aborted',
      });
    },
  },
  {
    endpoint: 'responses',
    request: { model: 'gpt-4.1', input: 'Name a harbour.', instructions: 'Be brief.' },
    expected() {
      return new ResponsesStreamMeter({ request: this.request, options }).finish({
        reason: 'aborted',
      });
    },
  },
  {
    endpoint: 'embeddings',
    request: { model: 'text-embedding-3-small', input: ['a quay', 'a jetty'] },
    expected() {
      return toUsageEvent(
        { object: 'list', data: [], model: 'text-embedding-3-small' },
        { ...options, request: this.request },
      );
    },
  },
  {
    endpoint: 'messages',
    request: {
      model: 'claude-sonnet-4-5',
      max_tokens: 64,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Name a pilot boat.' }],
    },
    expected() {
      return new AnthropicStreamMeter({ request: this.request as never, options }).finish({
        reason: 'aborted',
      });
    },
  },
  {
    endpoint: 'generateContent',
    request: { contents: [{ role: 'user', parts: [{ text: 'Name a buoy.' }] }] },
    requestedModel: 'gemini-2.5-flash',
    expected() {
      return new GeminiStreamMeter({
        request: this.request as never,
        options: { ...options, requestedModel: 'gemini-2.5-flash' },
      }).finish({ reason: 'aborted' });
    },
  },
];

describe('revivePendingCall', () => {
  it.each(cases)(
    '$endpoint: the crashed prompt estimate its meter would have journaled, under the same id and envelope',
    (testCase) => {
      const pending = createPendingCallEvent({
        endpoint: testCase.endpoint,
        body: JSON.stringify(testCase.request),
        requestedModel: testCase.requestedModel,
        options,
        time,
      });
      // The record the estimate replaces in place: same id and source.
      const expected = crashed(testCase.expected());
      expect(pending.id).toBe(expected.id);
      expect(pending.source).toBe(expected.source);
      expect(revivePendingCall(pending)).toEqual(expected);
      expect(expected.data.prompt_tokens).toBeGreaterThan(0);
    },
  );

  it('takes the id override over the fallback id, as the meters do', () => {
    const pending = createPendingCallEvent({
      endpoint: 'chat.completions',
      body: JSON.stringify(cases[0]?.request),
      options: { ...options, id: 'evt_override' },
      time,
    });
    expect(pending.id).toBe('evt_override');
    expect(revivePendingCall(pending).id).toBe('evt_override');
  });

  it('returns any other event as it is', () => {
    const event = { id: 'chatcmpl-1', data: { prompt_tokens: 3 } };
    expect(revivePendingCall(event)).toBe(event);
  });

  it('throws, naming the call, when the kept body is not a JSON object', () => {
    const pending = createPendingCallEvent({
      endpoint: 'chat.completions',
      body: '[1]',
      options,
      time,
    });
    expect(() => revivePendingCall(pending)).toThrow(/pending call req_pending_1/);
  });
});
