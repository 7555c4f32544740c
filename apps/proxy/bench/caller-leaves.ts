// How often a caller that leaves mid-stream is billed an estimate instead of upstream's own
// usage, with and without the grace the proxy reads on after the caller left, and how far the
// meters are from what upstream billed. openai-local (with its usage ledger), openmeter-local and
// one proxy per grace run each in their own process; this process runs CLIENTS openai SDK
// clients at once, ROUNDS times per proxy, taking turns between the proxies, every proxy given
// the same requests (same prompts, so the same answers, and the same leaving points). Each client
// streams one chat completion and aborts it (`stream.controller.abort()`) after a random number
// of content chunks, as the chaos run's clients did; some answers end before that point.
// Run: pnpm --filter proxy exec node --conditions=@llm-meter/source --import tsx bench/caller-leaves.ts
// (GRACES=0,200 ROUNDS=25 CLIENTS=8 TPS=200 MAX_TOKENS=40 SEED=1)
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createOpenMeterClient } from '@llm-meter/openmeter-client';
import OpenAI from 'openai';
import {
  freePort,
  openMeterLocalArgs,
  sourceNodeArgs,
  startBenchProcess,
} from './start-bench-process.js';

const graces = (process.env.GRACES ?? '0,200').split(',').map(Number);
const rounds = Number(process.env.ROUNDS ?? 25);
const clients = Number(process.env.CLIENTS ?? 8);
const tokensPerSecond = Number(process.env.TPS ?? 200);
const maxTokens = Number(process.env.MAX_TOKENS ?? 40);
const watchdogMs = Number(process.env.WATCHDOG_MS ?? 5000);
let seed = Number(process.env.SEED ?? 1);
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const children: ChildProcess[] = [];

/** A small seeded generator (mulberry32), so a run can be repeated. */
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}

/** Starts a workspace entry from its sources and waits until its output matches `ready`. */
function start(args: string[], env: Record<string, string>, ready: RegExp) {
  return startBenchProcess({
    name: args.join(' '),
    command: process.execPath,
    args: [...sourceNodeArgs, ...args],
    env: { LLM_METER_DOTENV: '0', ...env },
    ready,
    children,
  });
}

type ClientOutcome = 'left' | 'read to the end' | 'failed' | 'hung';

/** One SDK client: streams, and calls `abort()` after `leaveAfter` content chunks. */
async function runClient({
  baseURL,
  subject,
  prompt,
  leaveAfter,
}: {
  baseURL: string;
  subject: string;
  prompt: string;
  leaveAfter: number;
}): Promise<{ outcome: ClientOutcome; id: string | undefined }> {
  const client = new OpenAI({
    apiKey: 'sk-bench',
    baseURL,
    maxRetries: 0,
    defaultHeaders: { 'OpenMeter-Subject': subject },
  });
  let id: string | undefined;
  let left = false;
  const loop = (async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: prompt }],
      max_completion_tokens: maxTokens,
      stream: true,
    });
    let read = 0;
    for await (const chunk of stream) {
      id ??= chunk.id;
      if (!chunk.choices[0]?.delta?.content) continue;
      read += 1;
      if (read === leaveAfter) {
        left = true;
        stream.controller.abort();
        break;
      }
    }
  })();
  // An SDK loop that never returns after its abort (Node 20's fetch, see openai-local's
  // concurrent-aborts bench) is counted, not waited for: the proxy saw the caller leave anyway.
  const outcome = await Promise.race([
    loop.then(
      () => (left ? 'left' : 'read to the end') as ClientOutcome,
      () => (left ? 'left' : 'failed') as ClientOutcome,
    ),
    new Promise<ClientOutcome>((resolve) => setTimeout(() => resolve('hung'), watchdogMs).unref()),
  ]);
  return { outcome: outcome === 'hung' && left ? 'left' : outcome, id };
}

interface Billed {
  id: string;
  outcome: string;
  input_tokens: number;
  output_tokens: number;
}

const dir = await mkdtemp(join(tmpdir(), 'proxy-caller-leaves-'));
try {
  const openaiPort = await freePort();
  const openmeterPort = await freePort();
  await start(
    [
      join(root, 'packages/openai-local/src/cli.ts'),
      '--port',
      String(openaiPort),
      '--tokens-per-second',
      String(tokensPerSecond),
      '--data-dir',
      join(dir, 'openai-local'),
      '--quiet',
    ],
    {},
    /http:\/\//,
  );
  await start(openMeterLocalArgs({ port: openmeterPort, db: join(dir, 'om.db') }), {}, /http:\/\//);
  const proxies: Array<{ grace: number; url: string }> = [];
  for (const grace of graces) {
    const port = await freePort();
    await start(
      [join(here, '../src/main.ts')],
      {
        OPENAI_BASE_URL: `http://127.0.0.1:${openaiPort}/v1`,
        OPENMETER_URL: `http://127.0.0.1:${openmeterPort}`,
        LLM_METER_PROXY_PORT: String(port),
        LLM_METER_DATA_DIR: join(dir, `proxy-${grace}`),
        LLM_METER_PROXY_ABORT_GRACE_MS: String(grace),
      },
      /listening on/,
    );
    proxies.push({ grace, url: `http://127.0.0.1:${port}/v1` });
  }

  // Which stream went through which proxy, and whether its caller left before the end.
  const streams = new Map<string, { grace: number; subject: string; outcome: ClientOutcome }>();
  const hung = new Map<number, number>();
  for (let round = 0; round < rounds; round += 1) {
    const requests = Array.from({ length: clients }, () => ({
      prompt: `Tell me about tide table number ${Math.floor(random() * 1e9)}.`,
      leaveAfter: 1 + Math.floor(random() * maxTokens),
    }));
    for (const { grace, url } of proxies) {
      const subject = `grace-${grace}-round-${round}`;
      const results = await Promise.all(
        requests.map((request) => runClient({ baseURL: url, subject, ...request })),
      );
      for (const { outcome, id } of results) {
        if (outcome === 'hung') hung.set(grace, (hung.get(grace) ?? 0) + 1);
        if (id) streams.set(id, { grace, subject, outcome });
      }
    }
  }

  // What upstream billed (its ledger) and what reached OpenMeter, stream by stream.
  const openmeter = createOpenMeterClient({ baseUrl: `http://127.0.0.1:${openmeterPort}` });
  const ledgerFile = join(dir, 'openai-local', 'openai-local-usage.jsonl');
  const readLedger = async () =>
    new Map(
      (await readFile(ledgerFile, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Billed)
        .map((billed) => [billed.id, billed]),
    );
  const subjects = [...new Set([...streams.values()].map((stream) => stream.subject))];
  const readEvents = async () => {
    const events = new Map<string, { data: Record<string, unknown> }>();
    for (const subject of subjects)
      for (const listed of await openmeter.events.list({ subject, limit: 100 }))
        events.set(listed.event.id, listed.event as unknown as { data: Record<string, unknown> });
    return events;
  };
  let ledger = await readLedger();
  let events = await readEvents();
  for (let attempt = 0; attempt < 60; attempt += 1) {
    if ([...streams.keys()].every((id) => ledger.has(id) && events.has(id))) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
    ledger = await readLedger();
    events = await readEvents();
  }

  console.log(
    `${rounds} rounds × ${clients} clients per proxy, openai-local at ${tokensPerSecond} tokens/s, answers of at most ${maxTokens} tokens, each caller leaving after 1–${maxTokens} content chunks`,
  );
  console.log(
    'grace ms | callers left | upstream had finished | metered: provider / estimated | of the finished: estimated | output tokens billed / metered | missing',
  );
  for (const { grace } of proxies) {
    const left = [...streams.entries()].filter(
      ([, stream]) => stream.grace === grace && stream.outcome === 'left',
    );
    let finished = 0;
    let provider = 0;
    let estimated = 0;
    let finishedEstimated = 0;
    let billedOutput = 0;
    let meteredOutput = 0;
    let missing = 0;
    for (const [id] of left) {
      const billed = ledger.get(id);
      const event = events.get(id);
      if (!billed || !event) {
        missing += 1;
        continue;
      }
      const upstreamFinished = billed.outcome === 'completed' || billed.outcome === 'incomplete';
      if (upstreamFinished) finished += 1;
      if (event.data.usage_source === 'provider') provider += 1;
      else {
        estimated += 1;
        if (upstreamFinished) finishedEstimated += 1;
      }
      billedOutput += billed.output_tokens;
      meteredOutput += Number(event.data.completion_tokens);
    }
    console.log(
      `${String(grace).padStart(8)} | ${String(left.length).padStart(12)} | ${String(finished).padStart(21)} | ${`${provider} / ${estimated}`.padStart(30)} | ${String(finishedEstimated).padStart(26)} | ${`${billedOutput} / ${meteredOutput}`.padStart(31)} | ${missing}${hung.get(grace) ? ` (${hung.get(grace)} SDK loops hung after their abort)` : ''}`,
    );
  }
} finally {
  for (const child of children) child.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 500));
  await rm(dir, { recursive: true, force: true });
}
process.exit(0);
