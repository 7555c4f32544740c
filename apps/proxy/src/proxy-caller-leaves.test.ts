import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProxyStack, startProxyStack } from './__fixtures__/start-proxy-stack.js';

// An upstream that sends its answer's headers and first bytes, then holds the rest until told:
// the caller can leave while the proxy is reading a body upstream has already billed.
let stack: ProxyStack;
let upstream: Server;
let release: () => void = () => undefined;
let requested: () => void = () => undefined;
const completion = {
  id: 'chatcmpl-caller-left',
  object: 'chat.completion',
  // Now: listing events looks back a day by default.
  created: Math.floor(Date.now() / 1000),
  model: 'gpt-4o-mini-2024-07-18',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'Hello there.' },
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 11, completion_tokens: 4, total_tokens: 15 },
};

beforeAll(async () => {
  upstream = createServer((incoming, outgoing) => {
    incoming.resume();
    const body = JSON.stringify(completion);
    outgoing.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    outgoing.write(body.slice(0, 20));
    new Promise<void>((resolve) => {
      release = resolve;
    }).then(() => outgoing.end(body.slice(20)));
    requested();
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  const { port } = upstream.address() as AddressInfo;
  stack = await startProxyStack({ upstreamBaseUrl: `http://127.0.0.1:${port}/v1` });
});
afterAll(async () => {
  await stack?.close();
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
});

describe('a caller that leaves', () => {
  it('is still billed for a blocking answer upstream had begun to send', async () => {
    const upstreamHasIt = new Promise<void>((resolve) => {
      requested = resolve;
    });
    const caller = request(`${stack.proxyUrl}/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer sk-caller',
        'openmeter-subject': 'customer-left',
      },
    });
    caller.on('error', () => undefined);
    caller.end(
      JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    );
    await upstreamHasIt;
    // The proxy has upstream's answer headers (it records the upstream latency when they come)
    // and is reading the body: the caller goes.
    await expect
      .poll(
        async () => {
          const metrics = await stack.metrics.registry.metrics();
          return /llm_meter_proxy_upstream_latency_seconds_count\{route="chat"\} 1/.test(metrics);
        },
        { timeout: 300_000 },
      )
      .toBe(true);
    const closed = new Promise((resolve) => caller.once('close', resolve));
    caller.destroy();
    await closed;
    release();
    await expect
      .poll(async () => (await stack.listEvents('customer-left')).length, { timeout: 300_000 })
      .toBe(1);
    const [event] = await stack.listEvents('customer-left');
    expect(event).toMatchObject({
      id: completion.id,
      data: { usage_source: 'provider', total_tokens: 15 },
    });
  });
});
