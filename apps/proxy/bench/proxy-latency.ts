// Latency the proxy adds over calling openai-local directly, beside Portkey's gateway routed to
// the same openai-local. Every server runs in its own process; this process only sends load.
// Run: pnpm --filter proxy bench  (BENCH_SECONDS=10 BENCH_RATE=200 by default)
// BENCH_BASELINE=<another checkout of this repository> adds that checkout's proxy as a fifth
// target in the same interleaved blocks (its dependencies installed), to compare two versions.
// BENCH_PROVIDER=anthropic or google measures Anthropic's /v1/messages or Gemini's
// :generateContent (openai-local simulates both) instead of OpenAI's chat completions.
//
// Each figure is measured in one-second blocks that take turns between the targets (direct,
// proxy, Portkey, direct, ...), so every target meets openai-local in the same state: measured
// one target after the other, the later ones met an openai-local that had already answered
// tens of thousands of requests, which moved the figures more than the proxy itself did.
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  freePort,
  openMeterLocalArgs,
  sourceNodeArgs,
  startBenchProcess,
} from './start-bench-process.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const blockSeconds = Math.min(seconds, Number(process.env.BENCH_BLOCK_SECONDS ?? 1));
const rounds = Math.max(1, Math.round(seconds / blockSeconds));
const rate = Number(process.env.BENCH_RATE ?? 200);
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const children: ChildProcess[] = [];
const baseline = process.env.BENCH_BASELINE;

function start(
  name: string,
  command: string,
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
) {
  return startBenchProcess({ name, command, args, env, ready, children });
}

const benchProvider = process.env.BENCH_PROVIDER ?? 'openai';
const prompt = 'Say hello in five words.';
// Each provider's API as the bench calls it: the path below the target's origin, the bodies and
// the caller's key header; Portkey's provider name for it.
const providers = {
  openai: {
    label: 'small chat completions',
    path: (_stream: boolean) => '/v1/chat/completions',
    body: (stream: boolean) =>
      JSON.stringify({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: prompt }],
        max_completion_tokens: 16,
        ...(stream ? { stream: true } : {}),
      }),
    headers: { authorization: 'Bearer sk-bench' } as Record<string, string>,
    portkey: 'openai',
  },
  anthropic: {
    label: 'small Anthropic messages (/v1/messages)',
    path: (_stream: boolean) => '/v1/messages',
    body: (stream: boolean) =>
      JSON.stringify({
        model: 'claude-haiku-4-5',
        max_tokens: 16,
        messages: [{ role: 'user', content: prompt }],
        ...(stream ? { stream: true } : {}),
      }),
    headers: { 'x-api-key': 'sk-ant-bench', 'anthropic-version': '2023-06-01' } as Record<
      string,
      string
    >,
    portkey: 'anthropic',
  },
  google: {
    label: 'small Gemini answers (/v1beta/models/…:generateContent)',
    path: (stream: boolean) =>
      stream
        ? '/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse'
        : '/v1beta/models/gemini-2.0-flash:generateContent',
    body: (_stream: boolean) =>
      JSON.stringify({
        contents: [{ parts: [{ text: prompt }] }],
        generationConfig: { maxOutputTokens: 16 },
      }),
    headers: { 'x-goog-api-key': 'gemini-bench' } as Record<string, string>,
    portkey: 'google',
  },
};
const api = providers[benchProvider as keyof typeof providers];
if (!api)
  throw new Error(`BENCH_PROVIDER must be openai, anthropic or google, got ${benchProvider}`);
const chatBody = api.body(false);
const streamBody = api.body(true);

interface Target {
  name: string;
  /** The target's origin: the API's paths follow. */
  url: string;
  headers: Record<string, string>;
}

async function timeRequest(
  target: Target,
  body: string,
  stream: boolean,
): Promise<{ total: number; firstByte: number; error?: string }> {
  const start = performance.now();
  const response = await fetch(`${target.url}${api.path(stream)}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...api.headers,
      ...target.headers,
    },
    body,
  });
  // A failed answer is counted as an error (and left out of the latencies), not fatal: under
  // load a gateway may fail some requests, which is itself a figure.
  if (!response.ok) {
    const text = await response.text();
    return {
      total: Number.NaN,
      firstByte: Number.NaN,
      error: `${response.status} ${text.slice(0, 120)}`,
    };
  }
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  let firstByte = Number.NaN;
  for (;;) {
    const { done } = await reader.read();
    if (Number.isNaN(firstByte)) firstByte = performance.now() - start;
    if (done) break;
  }
  return { total: performance.now() - start, firstByte };
}

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

// Open loop: one request every 1/rate s, whatever the answers' pace, so a slow target queues.
async function openLoop(target: Target, body: string, stream: boolean) {
  const count = Math.round(blockSeconds * rate);
  const results: Array<ReturnType<typeof timeRequest>> = [];
  const start = performance.now();
  for (let index = 0; index < count; index++) {
    const due = start + (index * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    results.push(timeRequest(target, body, stream));
  }
  const settled = await Promise.all(results);
  const ok = settled.filter((result) => result.error === undefined);
  return {
    totals: ok.map((result) => result.total),
    firstBytes: ok.map((result) => result.firstByte),
    errors: settled.filter((result) => result.error !== undefined).map((result) => result.error),
  };
}

// Closed loop: 16 clients back to back for one block; requests answered.
async function throughput(target: Target) {
  let done = 0;
  const end = performance.now() + blockSeconds * 1000;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (performance.now() < end) {
        const result = await timeRequest(target, chatBody, false);
        if (result.error === undefined) done++;
      }
    }),
  );
  return done;
}

type Sample = Awaited<ReturnType<typeof openLoop>>;

// Runs `measure` for every target in turn, `rounds` times over, and gathers each target's blocks.
async function interleaved<T>(targets: Target[], measure: (target: Target) => Promise<T>) {
  const blocks = targets.map(() => [] as T[]);
  for (let round = 0; round < rounds; round++)
    for (const [index, target] of targets.entries()) blocks[index]?.push(await measure(target));
  return blocks;
}

function merge(samples: Sample[]): Sample {
  return {
    totals: samples.flatMap((sample) => sample.totals),
    firstBytes: samples.flatMap((sample) => sample.firstBytes),
    errors: samples.flatMap((sample) => sample.errors),
  };
}

const dir = await mkdtemp(join(tmpdir(), 'proxy-bench-'));
// The proxy writes every metered request's timings here when it stops (see printBreakdown).
const timingsFile = join(dir, 'timings.jsonl');
try {
  const [openaiPort, openmeterPort, proxyPort, portkeyPort, baselinePort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const tsx = sourceNodeArgs;
  await start(
    'openai-local',
    process.execPath,
    [
      ...tsx,
      join(root, 'packages/openai-local/src/cli.ts'),
      '--port',
      String(openaiPort),
      '--tokens-per-second',
      '0',
    ],
    {},
    /listening|http:\/\//,
  );
  await start(
    'openmeter-local',
    process.execPath,
    [...tsx, ...openMeterLocalArgs({ port: openmeterPort, db: join(dir, 'om.db') })],
    {},
    /listening|http:\/\//,
  );
  const proxyEnv = {
    OPENAI_BASE_URL: `http://127.0.0.1:${openaiPort}/v1`,
    ANTHROPIC_BASE_URL: `http://127.0.0.1:${openaiPort}`,
    GEMINI_BASE_URL: `http://127.0.0.1:${openaiPort}`,
    OPENMETER_URL: `http://127.0.0.1:${openmeterPort}`,
    LLM_METER_PROXY_DEFAULT_SUBJECT: 'customer-bench',
    LLM_METER_DOTENV: '0',
  };
  await start(
    'proxy',
    process.execPath,
    [...tsx, join(here, '../src/main.ts')],
    {
      ...proxyEnv,
      LLM_METER_PROXY_PORT: String(proxyPort),
      LLM_METER_DATA_DIR: dir,
      LLM_METER_PROXY_TIMINGS_FILE: timingsFile,
    },
    /listening on/,
  );
  if (baseline)
    await start(
      'baseline proxy',
      process.execPath,
      [...tsx, join(baseline, 'apps/proxy/src/main.ts')],
      {
        ...proxyEnv,
        LLM_METER_PROXY_PORT: String(baselinePort),
        LLM_METER_DATA_DIR: join(dir, 'baseline'),
      },
      /listening on/,
    );
  await start(
    'portkey',
    process.execPath,
    [
      '--import',
      join(here, 'portkey-stream-fix.mjs'),
      join(here, '../node_modules/@portkey-ai/gateway/build/start-server.js'),
      `--port=${portkeyPort}`,
    ],
    {},
    /Ready for connections/,
  );

  const targets: Target[] = [
    { name: 'direct (openai-local)', url: `http://127.0.0.1:${openaiPort}`, headers: {} },
    { name: 'llm-meter proxy', url: `http://127.0.0.1:${proxyPort}`, headers: {} },
    {
      name: "Portkey's gateway",
      url: `http://127.0.0.1:${portkeyPort}`,
      headers: {
        'x-portkey-provider': api.portkey,
        'x-portkey-custom-host': `http://127.0.0.1:${openaiPort}${benchProvider === 'google' ? '' : '/v1'}`,
      },
    },
    ...(baseline
      ? [{ name: 'baseline proxy', url: `http://127.0.0.1:${baselinePort}`, headers: {} }]
      : []),
  ];
  // Warm-up: one block per target, its figures dropped.
  for (const target of targets) await openLoop(target, chatBody, false);
  const blocking = await interleaved(targets, (target) => openLoop(target, chatBody, false));
  const streaming = await interleaved(targets, (target) => openLoop(target, streamBody, true));
  const answered = await interleaved(targets, throughput);
  const rows = targets.map((target, index) => {
    const blockingSample = merge(blocking[index] ?? []);
    const streamingSample = merge(streaming[index] ?? []);
    return {
      target: target.name,
      p50: percentile(blockingSample.totals, 0.5),
      p99: percentile(blockingSample.totals, 0.99),
      ttfbP50: percentile(streamingSample.firstBytes, 0.5),
      ttfbP99: percentile(streamingSample.firstBytes, 0.99),
      rps: (answered[index] ?? []).reduce((sum, count) => sum + count, 0) / (rounds * blockSeconds),
      errors: [...blockingSample.errors, ...streamingSample.errors],
    };
  });
  const direct = rows[0] as (typeof rows)[number];
  console.log(
    `\n${rounds * blockSeconds} s at ${rate} requests/s per figure and target (${rounds} interleaved blocks of ${blockSeconds} s), ${api.label}, Node ${process.version}`,
  );
  console.log(
    'target                  p50 ms  p99 ms  added p50  added p99  stream TTFB p50/p99 ms  req/s (16 clients)  failed',
  );
  for (const row of rows) {
    console.log(
      `${row.target.padEnd(22)} ${row.p50.toFixed(2).padStart(7)} ${row.p99.toFixed(2).padStart(7)} ${(row.p50 - direct.p50).toFixed(2).padStart(10)} ${(row.p99 - direct.p99).toFixed(2).padStart(10)} ${`${row.ttfbP50.toFixed(2)} / ${row.ttfbP99.toFixed(2)}`.padStart(23)} ${row.rps.toFixed(0).padStart(19)} ${String(row.errors.length).padStart(7)}`,
    );
  }
  for (const row of rows) {
    if (row.errors.length > 0)
      console.log(`${row.target} failed ${row.errors.length}, first: ${row.errors[0]}`);
  }
} finally {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(
    children.map((child) => (child.exitCode === null ? once(child, 'exit') : undefined)),
  );
  await printBreakdown().catch((error) =>
    console.log(`no breakdown of the proxy's first byte: ${(error as Error).message}`),
  );
  await rm(dir, { recursive: true, force: true });
}

/**
 * Where a stream's first byte goes inside the proxy, per step, from the timings the proxy wrote
 * (`LLM_METER_PROXY_TIMINGS_FILE`): its clock starts when the handler runs, so time a request
 * waited before that (the event loop busy with others) shows as the client's first byte minus
 * the proxy's.
 */
async function printBreakdown() {
  const lines = (await readFile(timingsFile, 'utf8')).trim().split('\n');
  const parsed = lines.map((line) => JSON.parse(line));
  const summary = parsed.find((line) => line.summary === true);
  const streams = parsed.filter((line) => line.summary !== true && line.streaming === true);
  type Step =
    | 'parsed'
    | 'sent'
    | 'headers'
    | 'headersWritten'
    | 'firstChunk'
    | 'firstByte'
    | 'meteringBeforeSend'
    | 'meteringBeforeFirstByte';
  const steps: Array<[string, (sample: { [step in Step]: number }) => number]> = [
    ['body read, parsed, subject resolved', (sample) => sample.parsed],
    ['metering before the request leaves', (sample) => sample.meteringBeforeSend],
    [
      'request handed to undici',
      (sample) => sample.sent - sample.parsed - sample.meteringBeforeSend,
    ],
    ["upstream's status and headers", (sample) => sample.headers - sample.sent],
    ['re-key and headers written', (sample) => sample.headersWritten - sample.headers],
    ["upstream's first chunk", (sample) => sample.firstChunk - sample.headersWritten],
    ['first chunk metered and written', (sample) => sample.firstByte - sample.firstChunk],
    ['handler to first byte, in all', (sample) => sample.firstByte],
    ['metering meanwhile (overlaps upstream)', (sample) => sample.meteringBeforeFirstByte],
  ];
  console.log(
    `\nWhere the proxy's stream first byte goes (${streams.length} streams, ms from the handler's start):`,
  );
  console.log('step                                         p50      p99      max');
  for (const [name, of] of steps) {
    const values = streams.map(of).filter((value) => Number.isFinite(value));
    const max = values.reduce((top, value) => Math.max(top, value), Number.NEGATIVE_INFINITY);
    console.log(
      `${name.padEnd(40)} ${percentile(values, 0.5).toFixed(3).padStart(8)} ${percentile(values, 0.99).toFixed(3).padStart(8)} ${max.toFixed(3).padStart(8)}`,
    );
  }
  if (summary)
    console.log(
      `proxy's event loop delay p50 / p99 / max ${summary.eventLoopDelayMs.p50.toFixed(2)} / ${summary.eventLoopDelayMs.p99.toFixed(2)} / ${summary.eventLoopDelayMs.max.toFixed(2)} ms; GC ${summary.gcPausesMs.count} pauses, ${summary.gcPausesMs.total.toFixed(0)} ms in all, longest ${summary.gcPausesMs.max.toFixed(2)} ms`,
    );
}
