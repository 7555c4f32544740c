import { request } from 'node:http';
import type { OpenAILocalFault } from '@llm-meter/openai-local';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectUpstreamUsage } from './__fixtures__/expect-upstream-usage.js';
import { type ProxyStack, startProxyStack } from './__fixtures__/start-proxy-stack.js';

// After a caller leaves, the proxy reads upstream on for a grace before it aborts it. The grace's
// timer is the test's: each grace the proxy starts waits until the test ends it, never the clock.
// Upstream's stalls are the test's too: a wall-clock stall could end before a loaded machine
// lets the caller leave, and then no grace starts.
interface Grace {
  ms: number;
  end: () => void;
}
let stack: ProxyStack;
let upstream: OpenAI;
const startedGraces: Grace[] = [];
let onGraceStarted: () => void = () => undefined;
/** Upstream answers held until the test releases them, by a word of their prompt. */
const holds = new Map<string, OpenAILocalFault>();
function holdUpstream({ word, fault }: { word: string; fault: OpenAILocalFault }): () => void {
  let release: () => void = () => undefined;
  const until = new Promise<void>((resolve) => {
    release = resolve;
  });
  holds.set(word, { ...fault, until });
  return release;
}
beforeAll(async () => {
  stack = await startProxyStack({
    upstreamFaults: ({ body }) => {
      const text = JSON.stringify(body);
      for (const [word, fault] of holds) if (text.includes(word)) return fault;
      return undefined;
    },
    abortGraceMs: 1_500,
    sleep: ({ ms }) =>
      new Promise<void>((resolve) => {
        startedGraces.push({ ms, end: resolve });
        onGraceStarted();
      }),
  });
  upstream = new OpenAI({ apiKey: 'sk-test', baseURL: stack.openai.url, maxRetries: 0 });
});
afterAll(async () => {
  for (const grace of startedGraces) grace.end();
  await stack?.close();
});

/** The next grace the proxy starts (the caller left while upstream was still open). */
function nextGrace(): Promise<Grace> {
  const count = startedGraces.length;
  return new Promise((resolve) => {
    onGraceStarted = () => {
      const grace = startedGraces[count];
      if (grace) resolve(grace);
    };
  });
}

/** Streams through the proxy and leaves after `leaveAfter` chunks; returns the stream's id. */
async function streamThenLeave({
  subject,
  fault,
  leaveAfter,
}: {
  subject: string;
  fault?: string | undefined;
  leaveAfter: number;
}): Promise<string> {
  const stream = await stack
    .sdk(subject, fault === undefined ? {} : { 'x-openai-local-fault': fault })
    .chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: `Tell ${subject} about tide tables.` }],
      max_completion_tokens: 40,
      store: true,
      stream: true,
    });
  let id = '';
  let read = 0;
  for await (const chunk of stream) {
    id ||= chunk.id;
    read += 1;
    // Leaving the loop aborts the SDK's request: the caller closes its connection.
    if (read === leaveAfter) break;
  }
  return id;
}

async function eventsOf(subject: string) {
  await expect.poll(async () => (await stack.listEvents(subject)).length).toBe(1);
  return stack.listEvents(subject);
}

describe('a caller that leaves while upstream is still sending', () => {
  it("is billed upstream's own usage when upstream finishes within the grace", async () => {
    const subject = 'customer-left-before-the-end';
    const graceStarted = nextGrace();
    // Upstream pauses after 8 events until the caller has left, then sends the rest and its usage.
    const releaseUpstream = holdUpstream({ word: subject, fault: { stallAfterChunks: 8 } });
    const id = await streamThenLeave({ subject, leaveAfter: 8 });
    // Started only while the proxy still had the stream open: the caller left first.
    const grace = await graceStarted;
    expect(grace.ms).toBe(1_500);
    releaseUpstream();
    const [event] = await eventsOf(subject);
    // What openai-local billed, once it finished the answer nobody read.
    const billed = await expectUpstreamUsage({ upstream, id, event });
    expect(billed.usage?.completion_tokens).toBeGreaterThan(7);
    grace.end();
  });

  it('is billed an aborted estimate of what upstream sent when upstream is still going as the grace ends', async () => {
    const subject = 'customer-left-a-stall';
    const graceStarted = nextGrace();
    // Upstream pauses after 8 events until the proxy hangs up.
    const id = await streamThenLeave({ subject, fault: 'stall-after=8', leaveAfter: 8 });
    const grace = await graceStarted;
    // Within the grace, upstream is still open: nothing is metered yet.
    expect(await stack.listEvents(subject)).toEqual([]);
    grace.end();
    const [event] = await eventsOf(subject);
    expect(event).toMatchObject({
      id,
      data: { usage_source: 'estimated', estimate_reason: 'aborted' },
    });
    // openai-local billed the prompt and the 7 tokens it sent (after the role chunk).
    await expect
      .poll(
        async () => (await upstream.chat.completions.retrieve(id).catch(() => undefined))?.usage,
      )
      .toMatchObject({ prompt_tokens: event?.data.prompt_tokens, completion_tokens: 7 });
    expect(event?.data.completion_tokens).toBe(7);
  });

  it('of a blocking call is billed the answer upstream sends within the grace', async () => {
    const subject = 'customer-left-a-blocking-call';
    const graceStarted = nextGrace();
    const body = JSON.stringify({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: `Name a tide for ${subject}.` }],
      store: true,
    });
    // Upstream holds its answer until the caller has left once the proxy sent the call.
    const releaseUpstream = holdUpstream({ word: subject, fault: { delayMs: 0 } });
    const caller = request(`${stack.proxyUrl}/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer sk-caller',
        'openmeter-subject': subject,
      },
    });
    caller.on('error', () => undefined).end(body);
    // The call's record is journaled right as it is sent.
    await expect.poll(() => stack.outbox.stats().openStreams).toBe(1);
    caller.destroy();
    const grace = await graceStarted;
    releaseUpstream();
    const [event] = await eventsOf(subject);
    expect(event?.id).toMatch(/^chatcmpl-/);
    const billed = await upstream.chat.completions.retrieve(event?.id as string);
    expect(event?.data).toMatchObject({
      usage_source: 'provider',
      prompt_tokens: billed.usage?.prompt_tokens,
      completion_tokens: billed.usage?.completion_tokens,
    });
    grace.end();
  });
});
