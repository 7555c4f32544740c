import { request } from 'node:http';
import { countChatPromptTokens } from '@llm-meter/meter-core';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ProxyStack, startProxyStack } from './__fixtures__/start-proxy-stack.js';

// How the proxy moves bytes: bodies over the limit refused before upstream, upstream breaking
// off mid-stream, pass-through bodies both ways.
let stack: ProxyStack;
const maxBodyBytes = 2_048;
beforeAll(async () => {
  stack = await startProxyStack({ maxBodyBytes });
});
afterAll(async () => {
  await stack?.close();
});

/** Posts a body with node:http, chunked (no content-length) when asked. */
function post({ path, body, chunked }: { path: string; body: string; chunked: boolean }) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const outgoing = request(
      `${stack.proxyUrl}${path}`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: 'Bearer sk-caller',
          'openmeter-subject': 'customer-transport',
          ...(chunked ? {} : { 'content-length': Buffer.byteLength(body) }),
        },
      },
      (incoming) => {
        let text = '';
        incoming.setEncoding('utf8');
        incoming.on('data', (data) => {
          text += data;
        });
        incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, text }));
        incoming.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    // Written in pieces, so a chunked body arrives as several chunks.
    for (let at = 0; at < body.length; at += 512) outgoing.write(body.slice(at, at + 512));
    outgoing.end();
  });
}

describe('proxy transport', () => {
  it('refuses a body over the limit, declared or sent chunked, before upstream', async () => {
    const body = JSON.stringify({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'x'.repeat(maxBodyBytes) }],
    });
    const before = stack.upstreamRequests.length;
    for (const chunked of [false, true]) {
      const answer = await post({ path: '/chat/completions', body, chunked });
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.text)).toMatchObject({
        error: { type: 'invalid_request_error', code: 'request_too_large' },
      });
    }
    expect(stack.upstreamRequests.length).toBe(before);
    // Just under the limit, chunked, goes through and is metered.
    const small = await post({
      path: '/chat/completions',
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
      chunked: true,
    });
    expect(small.status).toBe(200);
    expect(await stack.listEvents('customer-transport')).toHaveLength(1);
  });

  it('meters a stream upstream breaks off as one estimate of what streamed, and breaks the caller too', async () => {
    const client = stack.sdk('customer-dropped', { 'x-openai-local-fault': 'drop-after=6' });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Write a long essay about harbours.' }],
      stream: true,
      max_completion_tokens: 400,
    });
    let chunks = 0;
    const failure = await (async () => {
      for await (const _chunk of stream) chunks++;
    })().catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(Error);
    expect(chunks).toBeGreaterThan(0);
    expect(chunks).toBeLessThanOrEqual(6);
    await expect
      .poll(async () => (await stack.listEvents('customer-dropped')).length, { timeout: 300_000 })
      .toBe(1);
    const [event] = await stack.listEvents('customer-dropped');
    expect(event?.data).toMatchObject({ usage_source: 'estimated', estimate_reason: 'error' });
    expect(Number(event?.data.prompt_tokens)).toBeGreaterThan(0);
  });

  it('meters a blocking call upstream closes instead of answering as one estimate of its prompt', async () => {
    // openai-local has generated (and billed) the answer, then closes the connection.
    const client = stack.sdk('customer-dropped-blocking', {
      'x-openai-local-fault': 'drop-after=0',
    });
    const request = {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user' as const, content: 'Name a harbour.' }],
    };
    const failure = await client.chat.completions.create(request).catch((caught) => caught);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    const events = await stack.listEvents('customer-dropped-blocking');
    expect(events).toHaveLength(1);
    expect(events[0]?.data).toMatchObject({
      endpoint: 'chat.completions',
      usage_source: 'estimated',
      estimate_reason: 'error',
      prompt_tokens: countChatPromptTokens(request).tokens,
      completion_tokens: 0,
    });
    // Nothing is left journaled to be billed a second time after a restart.
    expect(stack.outbox.stats().openStreams).toBe(0);
  });

  it('answers HEAD on a pass-through path with upstream status and headers, no body', async () => {
    // A HEAD answered twice (once by the proxy, once by the server adapter) is only seen in
    // the adapter's error log, and in the connection it destroys.
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    for (let attempt = 0; attempt < 2; attempt++) {
      const answer = await fetch(`${stack.proxyUrl}/models`, {
        method: 'HEAD',
        headers: { authorization: 'Bearer sk-caller' },
      });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/application\/json/);
      expect(await answer.text()).toBe('');
    }
    expect(stack.upstreamRequests.at(-1)).toMatch(/^HEAD \/v1\/models 200/);
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();
  });

  it('passes an unmetered path through with its body both ways', async () => {
    const answer = await post({
      path: '/moderations',
      body: JSON.stringify({ input: 'hello' }),
      chunked: false,
    });
    // Whatever upstream answered comes back as it was, and nothing is metered for it.
    expect(stack.upstreamRequests.at(-1)).toMatch(/^POST \/v1\/moderations \d{3}/);
    expect(stack.upstreamRequests.at(-1)).toContain(String(answer.status));
    expect(JSON.parse(answer.text)).toBeTypeOf('object');
  });
});
