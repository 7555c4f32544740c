// Issue 26's hung clients, reduced: openai SDK clients abort a chat stream with
// `stream.controller.abort()` inside their `for await` after 6 content chunks and read on, against
// openai-local and against a plain node:http server sending the same kind of SSE stream, on Node's
// built-in fetch and on the `undici` package's. A loop that has not returned 5 s after its abort
// is counted as hung.
//
// The cause is Node 20 and 22's fetch (undici 6 before 6.29.1; nodejs/undici#4089): once the
// whole response has arrived, undici drops the listener that errors the body on abort, and the
// next read after an abort waits forever. Whether the response has all arrived when the client
// aborts depends on how far the client's reads lag behind the server, so under load it happens
// to any server; ABORT_HANG_WHEN=arrived aborts at that moment on purpose (undici's diagnostics
// channel says when), which hangs every client on the built-in fetch of Node 20.
//
// Run: pnpm --filter proxy exec tsx --conditions=@llm-meter/source bench/chaos/reproduce-abort-hang.ts
// Settings: ABORT_HANG_WHEN=arrived (default) | read (abort as the 6th chunk is read: hangs only
// when the client lags, e.g. under load or against a server in another process);
// ABORT_HANG_BASE_URL (a server started elsewhere, e.g. `pnpm openai-local`, instead of the two
// started here); ABORT_HANG_CLIENTS (8), ABORT_HANG_ROUNDS (5).
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startOpenAILocal } from '@llm-meter/openai-local';
import OpenAI from 'openai';
import { fetch as undiciFetch } from 'undici';
import {
  completionTagHeader,
  watchUndiciCompletions,
} from '../../src/__fixtures__/watch-undici-completions.js';

const when = process.env.ABORT_HANG_WHEN === 'read' ? 'read' : 'arrived';
const clients = Number(process.env.ABORT_HANG_CLIENTS ?? 8);
const rounds = Number(process.env.ABORT_HANG_ROUNDS ?? 5);
const hangMs = 5_000;
const chunk = (content: string) =>
  `data: ${JSON.stringify({
    id: 'chatcmpl-plain',
    object: 'chat.completion.chunk',
    created: 0,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, delta: { content }, finish_reason: null }],
  })}\n\n`;

/** A plain node:http SSE server: max_completion_tokens chunks, 5 ms apart, then [DONE]. */
async function startPlainServer(): Promise<{ url: string; close: () => void }> {
  const server = createServer(async (incoming, outgoing) => {
    let body = '';
    for await (const part of incoming) body += part;
    const { max_completion_tokens: tokens } = JSON.parse(body) as {
      max_completion_tokens: number;
    };
    outgoing.writeHead(200, { 'content-type': 'text/event-stream' });
    for (let index = 0; index < tokens && !outgoing.destroyed; index += 1) {
      outgoing.write(chunk(` word${index}`));
      await sleep(5);
    }
    if (!outgoing.destroyed) outgoing.end('data: [DONE]\n\n');
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

const completions = watchUndiciCompletions();
let tags = 0;

/** One client's call: resolves `returned`, `failed` or `hung`. */
async function abortingCall(client: OpenAI): Promise<'returned' | 'failed' | 'hung'> {
  tags += 1;
  const tag = `call-${tags}`;
  const stream = await client.chat.completions.create(
    {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Tell me about the harbour lanterns.' }],
      max_completion_tokens: 16,
      stream: true,
    },
    { headers: { [completionTagHeader]: tag } },
  );
  let read = 0;
  let aborted: () => void = () => undefined;
  const hung = new Promise<void>((resolve) => {
    aborted = resolve;
  }).then(() => sleep(hangMs, 'hung' as const));
  const loop = (async () => {
    for await (const part of stream) {
      if (!part.choices[0]?.delta?.content) continue;
      read += 1;
      if (read !== 6) continue;
      if (when === 'arrived') await completions.completed({ origin: client.baseURL, tag });
      stream.controller.abort();
      aborted();
    }
    return 'returned' as const;
  })().catch(() => 'failed' as const);
  return Promise.race([loop, hung]);
}

const servers: Array<{ name: string; url: string; close: () => unknown }> = [];
if (process.env.ABORT_HANG_BASE_URL)
  servers.push({ name: 'given server', url: process.env.ABORT_HANG_BASE_URL, close: () => 0 });
else {
  const openaiLocal = await startOpenAILocal({ tokensPerSecond: 200 });
  servers.push({ name: 'openai-local', url: openaiLocal.url, close: openaiLocal.close });
  servers.push({ name: 'node:http', ...(await startPlainServer()) });
}
process.stdout.write(
  `Node ${process.version} (built-in fetch: undici ${process.versions.undici}), ${clients} clients × ${rounds} rounds, abort when the 6th chunk is ${when === 'arrived' ? 'read and the whole response has arrived' : 'read'}\n`,
);
for (const server of servers)
  for (const fetchName of ['built-in', 'undici package'] as const) {
    const client = new OpenAI({
      baseURL: server.url,
      apiKey: 'sk-reproduce',
      maxRetries: 0,
      ...(fetchName === 'built-in' ? {} : { fetch: undiciFetch as typeof fetch }),
    });
    const outcomes = { returned: 0, failed: 0, hung: 0 };
    for (let round = 0; round < rounds; round += 1)
      for (const outcome of await Promise.all(
        Array.from({ length: clients }, () => abortingCall(client)),
      ))
        outcomes[outcome] += 1;
    process.stdout.write(
      `${server.name.padEnd(12)} ${fetchName.padEnd(15)} hung ${outcomes.hung} of ${clients * rounds} (returned ${outcomes.returned}, failed ${outcomes.failed})\n`,
    );
  }
completions.close();
for (const server of servers) await server.close();
// Hung loops still wait on their reads: leave them.
process.exit(0);
