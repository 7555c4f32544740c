// Clients that abort a chat stream mid-way must all get out of their `for await` loop.
// CLIENTS openai SDK clients at once each call `stream.controller.abort()` after AFTER chunks,
// ROUNDS times, against openai-local and against a plain node:http SSE server (PLAIN_TOKENS
// tokens, paced the same way). Each server runs in its own process, as in development; the
// `-inline` targets run it in this process. A client whose loop has neither returned nor moved
// for WATCHDOG_MS counts as hung (the loop is left pending; the process exits at the end).
// FETCH_MODULE=<path or package> gives the SDK that module's `fetch` (e.g. undici 7's); BREAK=1
// breaks out of the loop right after the abort.
// Run: pnpm --filter @llm-meter/openai-local exec node --conditions=@llm-meter/source --import tsx bench/concurrent-aborts.ts
// (ROUNDS=50 CLIENTS=8 AFTER=6 TPS=200 PLAIN_TOKENS=20 WATCHDOG_MS=2000
//  TARGETS=openai-local,plain; also openai-local-inline, plain-inline, or the base URL of a
//  server already running, such as the proxy's)
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { startOpenAILocal } from '../src/server/start-openai-local.js';

const rounds = Number(process.env.ROUNDS ?? 50);
const clients = Number(process.env.CLIENTS ?? 8);
const after = Number(process.env.AFTER ?? 6);
const tokensPerSecond = Number(process.env.TPS ?? 200);
const plainTokens = Number(process.env.PLAIN_TOKENS ?? 20);
const watchdogMs = Number(process.env.WATCHDOG_MS ?? 2000);
const breakAfterAbort = process.env.BREAK === '1';
const targets = (process.env.TARGETS ?? 'openai-local,plain').split(',');
const fetchOverride =
  process.env.FETCH_MODULE === undefined
    ? undefined
    : ((await import(process.env.FETCH_MODULE)) as { fetch: typeof fetch }).fetch;

interface Target {
  url: string;
  close: () => Promise<void>;
}

/** A plain SSE server: a role chunk, one content chunk per token on a running clock, [DONE]. */
async function startPlainServer(): Promise<Target> {
  const interval = tokensPerSecond > 0 ? 1000 / tokensPerSecond : 0;
  const chunk = (delta: unknown, finish: string | null = null) =>
    `data: ${JSON.stringify({
      id: 'chatcmpl-plain',
      object: 'chat.completion.chunk',
      created: 0,
      model: 'gpt-4o-mini-2024-07-18',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    })}\n\n`;
  const server = createServer((request, response) => {
    request.resume();
    request.once('end', async () => {
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      response.flushHeaders();
      response.write(chunk({ role: 'assistant', content: '', refusal: null }));
      let next = Date.now();
      for (let index = 0; index < plainTokens; index += 1) {
        next += interval;
        const wait = next - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        if (response.destroyed) return;
        response.write(chunk({ content: ` word${index}` }));
      }
      response.write(chunk({}, 'stop'));
      response.end('data: [DONE]\n\n');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Runs a server in its own process; it prints its base URL first on stdout. */
async function startProcess(args: string[], env: Record<string, string> = {}): Promise<Target> {
  const child = spawn(
    process.execPath,
    ['--conditions=@llm-meter/source', '--import', 'tsx', ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
    },
  );
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  return {
    url: line.toString().trim(),
    close: async () => {
      child.kill();
      await once(child, 'exit');
    },
  };
}

async function startTarget(name: string): Promise<Target> {
  if (/^https?:\/\//.test(name)) return { url: name, close: async () => {} };
  switch (name) {
    case 'openai-local':
      return startProcess([
        new URL('../src/cli.ts', import.meta.url).pathname,
        '--tokens-per-second',
        String(tokensPerSecond),
        '--seed',
        '1',
        '--quiet',
      ]);
    case 'openai-local-inline':
      return startOpenAILocal({ tokensPerSecond, seed: 1 });
    case 'plain':
      return startProcess([new URL(import.meta.url).pathname], { SERVE_PLAIN: '1' });
    case 'plain-inline':
      return startPlainServer();
    default:
      throw new Error(
        `Unknown target ${name}: use openai-local, openai-local-inline, plain or plain-inline.`,
      );
  }
}

type Outcome = 'returned' | 'hung after its abort' | 'hung before its abort' | 'failed';

async function runClient(baseURL: string): Promise<{ outcome: Outcome; chunks: number }> {
  const client = new OpenAI({ apiKey: 'bench', baseURL, maxRetries: 0, fetch: fetchOverride });
  let aborted = false;
  let chunks = 0;
  const loop = (async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Write a long story about metering.' }],
      stream: true,
    });
    for await (const _chunk of stream) {
      chunks += 1;
      if (chunks === after) {
        aborted = true;
        stream.controller.abort();
        if (breakAfterAbort) break;
      }
    }
  })();
  // The watchdog starts over whenever the loop moved (a chunk, the abort).
  let seen = { chunks: -1, aborted: false };
  for (;;) {
    const outcome = await Promise.race([
      loop.then(
        () => 'returned' as const,
        () => 'failed' as const,
      ),
      new Promise<undefined>((resolve) => setTimeout(resolve, watchdogMs)),
    ]);
    if (outcome !== undefined) return { outcome, chunks };
    if (chunks === seen.chunks && aborted === seen.aborted) {
      return { outcome: aborted ? 'hung after its abort' : 'hung before its abort', chunks };
    }
    seen = { chunks, aborted };
  }
}

if (process.env.SERVE_PLAIN === '1') {
  console.log((await startPlainServer()).url);
} else {
  for (const name of targets) {
    const target = await startTarget(name);
    const outcomes = new Map<string, number>();
    let hung = 0;
    let roundsWithHang = 0;
    for (let round = 0; round < rounds; round += 1) {
      const results = await Promise.all(
        Array.from({ length: clients }, () => runClient(target.url)),
      );
      const hungNow = results.filter(({ outcome }) => outcome.startsWith('hung')).length;
      hung += hungNow;
      if (hungNow > 0) roundsWithHang += 1;
      for (const { outcome, chunks } of results) {
        const key = outcome === 'returned' ? outcome : `${outcome} (${chunks} chunks read)`;
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      }
    }
    console.log(
      `${name}, ${tokensPerSecond} tokens/s: ${hung} of ${rounds * clients} clients hung, in ${roundsWithHang} of ${rounds} rounds`,
      Object.fromEntries(outcomes),
    );
    await target.close();
  }
  // Hung loops stay pending for ever: leave without them.
  process.exit(0);
}
