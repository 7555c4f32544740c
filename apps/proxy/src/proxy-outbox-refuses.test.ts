import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProxyStack, startProxyStack } from './__fixtures__/start-proxy-stack.js';

// OpenMeter is down and the outbox holds at most one event: after the first, every event is
// refused (OutboxFullError). Calls must still be answered in full.
let stack: ProxyStack;
beforeAll(async () => {
  stack = await startProxyStack({ outboxOptions: { maxPending: 1, openmeterDown: true } });
});
afterAll(async () => {
  await stack?.close();
});

describe('metering never fails a call', () => {
  it('answers blocking and streaming calls in full when the outbox refuses their events, logging and counting each', async () => {
    const client = stack.sdk('customer-refused');
    const request = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }] };
    const first = await client.chat.completions.create(request);
    expect(first.choices[0]?.message.content).toBeTruthy();
    expect(stack.outbox.stats().pending).toBe(1);

    const second = await client.chat.completions.create(request);
    expect(second.choices[0]?.message.content).toBeTruthy();
    let streamed = '';
    for await (const chunk of await client.chat.completions.create({ ...request, stream: true }))
      streamed += chunk.choices[0]?.delta.content ?? '';
    expect(streamed.length).toBeGreaterThan(0);

    expect(stack.outbox.stats().pending).toBe(1);
    expect(stack.warnings.join('\n')).toMatch(/could not be journaled/);
    expect(stack.warnings.join('\n')).toMatch(/Usage outbox is full/);
    const metrics = await stack.metrics.registry.metrics();
    const failures = /llm_meter_proxy_metering_failures_total\{stage="journal"\} (\d+)/.exec(
      metrics,
    );
    expect(Number(failures?.[1])).toBe(2);
    // Counted once, as journaling, not again as a stream that could not be finished.
    expect(metrics).not.toMatch(/stage="stream_finish"\} [1-9]/);
  });
});
