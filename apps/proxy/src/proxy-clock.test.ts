import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProxyStack, startProxyStack } from './__fixtures__/start-proxy-stack.js';

// One clock for the whole proxy: `now` reaches the outbox sink's stream meters too.
const clockTime = '2026-01-02T03:04:05.000Z';
let stack: ProxyStack;
beforeAll(async () => {
  stack = await startProxyStack({ now: () => new Date(clockTime) });
});
afterAll(async () => {
  await stack?.close();
});

describe('the proxy clock', () => {
  it('dates a stream cut before its first chunk with ProxyOptions.now, through the outbox sink', async () => {
    const subject = 'customer-clock';
    const client = stack.sdk(subject, { 'x-openai-local-fault': 'drop-after=0' });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'What time is it?' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const failure = await (async () => {
      for await (const _chunk of stream) {
        // No chunk arrives: upstream closes right after the headers.
      }
    })().catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(Error);

    await stack.outbox.flush();
    // The event is dated by the injected clock, far outside the default 72-hour listing window.
    const listed = await stack.client.events.list({ subject, from: '2000-01-01T00:00:00Z' });
    expect(listed.map((item) => [item.event.time, item.event.data?.usage_source])).toEqual([
      [clockTime, 'estimated'],
    ]);
  });
});
