import OpenAI from 'openai';
import { fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectUpstreamUsage } from './__fixtures__/expect-upstream-usage.js';
import { type ProxyStack, startProxyStack } from './__fixtures__/start-proxy-stack.js';
import {
  completionTagHeader,
  watchUndiciCompletions,
} from './__fixtures__/watch-undici-completions.js';

// Issue 26's hung clients: an openai SDK client calls `stream.controller.abort()` inside its
// `for await` after 6 chunks and reads on. Node 20 and 22's built-in fetch (undici 6 before
// 6.29.1, nodejs/undici#4089) never settles the next read when that abort comes once the whole
// response has arrived, so the loop never returns, whichever server answered: every client
// below hangs on it (bench/chaos/reproduce-abort-hang.ts shows it). Each client here aborts at
// exactly that moment, told by undici's diagnostics channel rather than by machine load, on the
// fetch the README gives Node 20 and 22 users (the `undici` package's): every loop must return,
// against openai-local and through the proxy, and the proxy must bill each stream in full.
const clients = 12;
let stack: ProxyStack;
const completions = watchUndiciCompletions();
beforeAll(async () => {
  stack = await startProxyStack();
});
afterAll(async () => {
  completions.close();
  await stack?.close();
});

/**
 * Streams a chat answer, aborts it after `abortAfter` content chunks once undici has received
 * all of it, and reads on; resolves with the stream's id when the loop returns.
 */
async function abortOnceArrived({
  client,
  tag,
  abortAfter = 6,
}: {
  client: OpenAI;
  tag: string;
  abortAfter?: number;
}): Promise<string> {
  const stream = await client.chat.completions.create(
    {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: `Tell ${tag} about the tides of the harbour.` }],
      max_completion_tokens: 24,
      store: true,
      stream: true,
    },
    { headers: { [completionTagHeader]: tag } },
  );
  let id = '';
  let read = 0;
  for await (const chunk of stream) {
    id ||= chunk.id;
    if (!chunk.choices[0]?.delta?.content) continue;
    read += 1;
    if (read === abortAfter) {
      await completions.completed({ origin: client.baseURL, tag });
      stream.controller.abort();
    }
  }
  return id;
}

function clientOn({ baseURL, subject }: { baseURL: string; subject?: string }): OpenAI {
  return new OpenAI({
    baseURL,
    apiKey: 'sk-caller',
    maxRetries: 0,
    fetch: undiciFetch as typeof fetch,
    defaultHeaders: subject === undefined ? {} : { 'OpenMeter-Subject': subject },
  });
}

describe(`${clients} concurrent clients that abort a stream once all of it has arrived`, () => {
  it('each leave their loop, against openai-local', async () => {
    const client = clientOn({ baseURL: stack.openai.url });
    const ids = await Promise.all(
      Array.from({ length: clients }, (_, index) =>
        abortOnceArrived({ client, tag: `direct-${index}` }),
      ),
    );
    expect(new Set(ids).size).toBe(clients);
  });

  it('each leave their loop through the proxy, and each is billed upstream’s own usage', async () => {
    const ids = await Promise.all(
      Array.from({ length: clients }, (_, index) =>
        abortOnceArrived({
          client: clientOn({
            baseURL: stack.proxyUrl,
            subject: `stream-aborted-${String(index).padStart(2, '0')}`,
          }),
          tag: `proxied-${index}`,
        }),
      ),
    );
    const upstream = new OpenAI({ apiKey: 'sk-test', baseURL: stack.openai.url, maxRetries: 0 });
    for (const [index, id] of ids.entries()) {
      const subject = `stream-aborted-${String(index).padStart(2, '0')}`;
      await expect.poll(async () => (await stack.listEvents(subject)).length).toBe(1);
      const [event] = await stack.listEvents(subject);
      // Upstream finished the answer before the caller left: no estimate, the provider's count.
      await expectUpstreamUsage({ upstream, id, event });
    }
  });
});
