import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { countChatPromptTokens, type UsageEvent } from '@llm-meter/meter-core';
import { AnthropicStreamMeter } from '@llm-meter/meter-core/push';
import type { UsageOutbox, UsageStreamHandle } from '@llm-meter/meter-outbox';
import { deliverLeftovers, openDyingOutbox } from '@llm-meter/metering/testing';
import { type OpenAILocalServer, startOpenAILocal } from '@llm-meter/openai-local';
import { Agent, type Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboxUsageSink } from './create-outbox-usage-sink.js';
import { createProxyApp } from './create-proxy-app.js';
import { createProxyMetrics } from './create-proxy-metrics.js';

// A kill -9 cannot be timed to the microseconds between undici writing a request to a kept-alive
// socket and the proxy's next journal write. So the test stops the journal at the exact point:
// the dispatcher freezes it as the request is handed to undici, and nothing journaled after that
// reaches the disk, as if the proxy had died right then. What the next start bills is then only
// what the proxy journaled before sending.

const directories: string[] = [];
let upstream: OpenAILocalServer;
beforeAll(async () => {
  upstream = await startOpenAILocal({ tokensPerSecond: 0 });
});
afterAll(async () => {
  await upstream?.close();
  for (const dir of directories) rmSync(dir, { recursive: true, force: true });
});

/** A view of `outbox` whose writes stop (silently, as in a dead process) once `frozen()` says so. */
function freezable(outbox: UsageOutbox, frozen: () => boolean): UsageOutbox {
  const view = (handle: UsageStreamHandle): UsageStreamHandle => ({
    id: handle.id,
    update: (event) => (frozen() ? undefined : handle.update(event)),
    complete: (event) => (frozen() ? undefined : handle.complete(event)),
    abandon: () => (frozen() ? undefined : handle.abandon()),
  });
  return {
    ...outbox,
    stats: () => outbox.stats(),
    flush: (options) => outbox.flush(options),
    close: (options) => outbox.close(options),
    on: outbox.on,
    enqueue: (event) => (frozen() ? undefined : outbox.enqueue(event)),
    openStream: (event) =>
      frozen() ? view({ id: String(event.id), ...noWrites }) : view(outbox.openStream(event)),
  };
}
const noWrites = { update: () => undefined, complete: () => undefined, abandon: () => undefined };

/** Undici's agent, which calls `onDispatch` as a request is handed to it, before it is written. */
class WatchedAgent extends Agent {
  constructor(private readonly onDispatch: () => void) {
    super();
  }
  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler) {
    this.onDispatch();
    return super.dispatch(options, handler);
  }
}

/**
 * Sends one call through a proxy whose journal dies as the call is handed to undici, then
 * returns what the next start of its outbox delivers.
 */
async function billedAfterDeathAtSend(input: {
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}): Promise<{ delivered: UsageEvent[]; status: number }> {
  const { dir, outbox } = await openDyingOutbox({ prefix: 'proxy-pending-', directories });
  let frozen = false;
  const dispatcher = new WatchedAgent(() => {
    frozen = true;
  });
  const metrics = createProxyMetrics({ outbox });
  const app = createProxyApp({
    upstreamBaseUrl: upstream.url,
    upstreams: { anthropic: { baseUrl: upstream.origin }, google: { baseUrl: upstream.origin } },
    subjects: { header: 'openmeter-subject', keySubjects: new Map(), trustRequestUser: false },
    usage: createOutboxUsageSink({
      outbox: freezable(outbox, () => frozen),
      metrics,
      onJournalError: () => undefined,
    }),
    metrics,
    logger: { warn: () => undefined },
    dispatcher,
  });
  const server: ServerType = await new Promise((resolve) => {
    const started = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () =>
      resolve(started),
    );
  });
  try {
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}${input.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...input.headers },
      body: JSON.stringify(input.body),
    });
    await response.arrayBuffer();
    expect(frozen).toBe(true);
    await outbox.close({ deadlineMs: 0 });
    return {
      delivered: (await deliverLeftovers(dir)) as unknown as UsageEvent[],
      status: response.status,
    };
  } finally {
    await new Promise((resolve) => server.close(resolve));
    await dispatcher.close();
  }
}

/** The data of a `crashed` estimate of the prompt alone. */
const crashedPrompt = (promptTokens: number) => ({
  usage_source: 'estimated',
  estimate_reason: 'crashed',
  prompt_tokens: promptTokens,
  completion_tokens: 0,
});
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('a proxy that dies once a request is handed to undici bills it on its next start', () => {
  const chat = {
    model: 'gpt-4o-mini',
    messages: [{ role: 'user' as const, content: 'Pending record: name a lighthouse keeper.' }],
  };
  const openaiHeaders = { authorization: 'Bearer sk-caller', 'openmeter-subject': 'pending-1' };

  it('a blocking chat completion: the crashed estimate of its prompt, counted from the pending record', async () => {
    const { delivered, status } = await billedAfterDeathAtSend({
      path: '/v1/chat/completions',
      headers: openaiHeaders,
      body: chat,
    });
    expect(status).toBe(200);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]?.id).toMatch(uuid);
    expect(delivered[0]).toMatchObject({
      subject: 'pending-1',
      source: 'llm-meter',
      type: 'openai',
    });
    expect(delivered[0]?.data).toMatchObject({
      endpoint: 'chat.completions',
      model: 'gpt-4o-mini',
      ...crashedPrompt(countChatPromptTokens(chat).tokens),
    });
    expect(delivered[0]?.data).not.toHaveProperty('pending_call');
  });

  it('a chat stream: the same', async () => {
    const { delivered } = await billedAfterDeathAtSend({
      path: '/v1/chat/completions',
      headers: openaiHeaders,
      body: { ...chat, stream: true },
    });
    expect(delivered).toHaveLength(1);
    expect(delivered[0]?.data).toMatchObject({
      endpoint: 'chat.completions',
      ...crashedPrompt(countChatPromptTokens(chat).tokens),
    });
  });

  it("an Anthropic Messages stream: its prompt by Anthropic's meter", async () => {
    const request = {
      model: 'claude-sonnet-4-5',
      max_tokens: 64,
      stream: true,
      messages: [{ role: 'user' as const, content: 'Pending record: name a harbour pilot.' }],
    };
    const { delivered } = await billedAfterDeathAtSend({
      path: '/v1/messages',
      headers: {
        'x-api-key': 'sk-ant-caller',
        'anthropic-version': '2023-06-01',
        'openmeter-subject': 'pending-2',
      },
      body: request,
    });
    const expected = new AnthropicStreamMeter({
      request,
      options: { subject: 'pending-2', fallbackId: 'x', now: () => new Date(0) },
    }).finish({ reason: 'aborted' });
    expect(delivered).toHaveLength(1);
    expect(delivered[0]?.data).toMatchObject({
      endpoint: 'messages',
      ...crashedPrompt(expected.data.prompt_tokens),
    });
    expect(expected.data.prompt_tokens).toBeGreaterThan(0);
  });
});
