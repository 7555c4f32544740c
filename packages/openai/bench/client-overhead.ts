// Time meterOpenAI adds per call over the bare openai client (SDK 6 and 7), against openai-local
// at full speed in its own process, with the outbox delivering to openmeter-local in another.
// Run: pnpm --filter @llm-meter/openai bench   (BENCH_ROUNDS=20 BENCH_BLOCK=50 by default)
//
// Calls are sequential (one in flight), in blocks that take turns between the targets (bare 6,
// metered 6, bare 7, metered 7, then again), so each target meets the servers and the machine in
// the same state; a block's first call is not timed apart. Blocking: from `create()` to the
// parsed answer. Stream: from `create()` to the first chunk in the caller's hands (the rest of
// the stream is read, untimed). The load average is printed beside the figures: compare only
// figures of the same run.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createUsageOutbox } from '@llm-meter/meter-outbox';
import { createOpenMeterClient } from '@llm-meter/openmeter-client';
import OpenAI6 from 'openai';
import OpenAI7 from 'openai7';
import { meterOpenAI, readMeteringStats } from '../src/index.js';

const rounds = Number(process.env.BENCH_ROUNDS ?? 20);
const block = Number(process.env.BENCH_BLOCK ?? 50);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const children: ChildProcess[] = [];

/** Starts a workspace CLI from its sources and resolves with the URL it prints. */
async function startServer(entry: string, args: string[]): Promise<string> {
  const child = spawn(
    process.execPath,
    ['--conditions=@llm-meter/source', '--import', 'tsx', join(root, entry), ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (data: Buffer) => {
      output += data;
      const url = /http:\/\/127\.0\.0\.1:\d+/.exec(output)?.[0];
      if (url) resolve(url);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code}: ${output}`)));
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const dir = await mkdtemp(join(tmpdir(), 'openai-bench-'));
try {
  const openaiUrl = await startServer('packages/openai-local/src/cli.ts', [
    '--port',
    '0',
    '--tokens-per-second',
    '0',
  ]);
  const openmeterUrl = await startServer('packages/openmeter-local/src/cli.ts', [
    '--port',
    '0',
    '--meters',
    join(root, 'packages/meter-core/meters/openmeter-meters.yaml'),
    '--db',
    join(dir, 'om.db'),
  ]);
  const outbox = await createUsageOutbox({
    client: createOpenMeterClient({ baseUrl: openmeterUrl }),
    dir: join(dir, 'outbox'),
    logger: false,
  });
  const baseURL = `${openaiUrl}/v1`;
  const options = { apiKey: 'openai-local', baseURL, maxRetries: 0 };
  const meterOptions = { outbox, defaultSubject: 'customer-bench' };
  // The same answers replayed in process through the client's `fetch` option: no network, no
  // server, so what differs between bare and metered is the wrapper's own work.
  const recorded = new Map<boolean, { text: string; headers: Headers }>();
  for (const stream of [false, true]) {
    const response = await fetch(`${baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer openai-local' },
      body: JSON.stringify({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Say hello in five words.' }],
        max_completion_tokens: 16,
        ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
      }),
    });
    recorded.set(stream, { text: await response.text(), headers: response.headers });
  }
  const replay = async (_url: string | URL | Request, init?: RequestInit) => {
    const stream = String(init?.body).includes('"stream":true');
    const answer = recorded.get(stream) as { text: string; headers: Headers };
    return new Response(answer.text, { status: 200, headers: answer.headers });
  };
  const replayOptions = { ...options, fetch: replay };
  const targets = [
    { name: 'replayed 6 bare', client: new OpenAI6(replayOptions) },
    { name: 'replayed 6 metered', client: meterOpenAI(new OpenAI6(replayOptions), meterOptions) },
    { name: 'openai 6 bare', client: new OpenAI6(options) },
    { name: 'openai 6 metered', client: meterOpenAI(new OpenAI6(options), meterOptions) },
    { name: 'openai 7 bare', client: new OpenAI7(options) as unknown as OpenAI6 },
    {
      name: 'openai 7 metered',
      client: meterOpenAI(new OpenAI7(options), meterOptions) as unknown as OpenAI6,
    },
  ];
  const body = {
    model: 'gpt-4o-mini',
    messages: [{ role: 'user' as const, content: 'Say hello in five words.' }],
    max_completion_tokens: 16,
  };
  const calls = {
    blocking: async (client: OpenAI6) => {
      const started = performance.now();
      await client.chat.completions.create(body);
      return performance.now() - started;
    },
    'stream first chunk': async (client: OpenAI6) => {
      const started = performance.now();
      const stream = await client.chat.completions.create({ ...body, stream: true });
      const iterator = stream[Symbol.asyncIterator]();
      await iterator.next();
      const elapsed = performance.now() - started;
      while (!(await iterator.next()).done);
      return elapsed;
    },
  };
  const samples = new Map<string, number[]>();
  for (const [kind, call] of Object.entries(calls)) {
    // Warm-up: JIT, connection pools, the tokenizer's tables.
    for (const target of targets)
      for (let index = 0; index < block; index++) await call(target.client);
    for (let round = 0; round < rounds; round++) {
      for (const target of targets) {
        const key = `${kind}|${target.name}`;
        const list = samples.get(key) ?? [];
        for (let index = 0; index < block; index++) list.push(await call(target.client));
        samples.set(key, list);
      }
    }
  }
  await outbox.flush();
  const load = execFileSync('uptime', { encoding: 'utf8' }).trim();
  console.log(`\n${rounds} rounds x ${block} sequential calls per target and kind; ${load}\n`);
  console.log(
    '| call | SDK | bare p50 | metered p50 | added p50 | bare p99 | metered p99 | added p99 |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  const us = (ms: number) => `${Math.round(ms * 1000)} µs`;
  for (const kind of Object.keys(calls)) {
    for (const sdk of ['openai 6', 'openai 7', 'replayed 6']) {
      const bare = [...(samples.get(`${kind}|${sdk} bare`) ?? [])].sort((a, b) => a - b);
      const metered = [...(samples.get(`${kind}|${sdk} metered`) ?? [])].sort((a, b) => a - b);
      const [b50, m50, b99, m99] = [
        percentile(bare, 50),
        percentile(metered, 50),
        percentile(bare, 99),
        percentile(metered, 99),
      ];
      console.log(
        `| ${kind} | ${sdk} | ${us(b50)} | ${us(m50)} | ${us(m50 - b50)} | ${us(b99)} | ${us(m99)} | ${us(m99 - b99)} |`,
      );
    }
  }
  const stats = targets.map((target) => readMeteringStats(target.client)).filter(Boolean);
  console.log(`\nmetered: ${JSON.stringify(stats)}`);
  await outbox.close({ deadlineMs: 5_000 });
} finally {
  for (const child of children) child.kill('SIGTERM');
  await rm(dir, { recursive: true, force: true });
}
