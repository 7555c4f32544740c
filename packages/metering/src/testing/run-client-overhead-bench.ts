// The SDK wrappers' overhead bench (packages/openai/bench, packages/anthropic/bench,
// packages/google-genai/bench): openai-local at full speed in its own process, the outbox
// delivering to openmeter-local in another, and sequential calls of bare and metered clients in
// blocks that take turns, so each target meets the servers and the machine in the same state.
// The load average is printed beside the figures: compare only figures of the same run.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createUsageOutbox, type UsageOutbox } from '@llm-meter/meter-outbox';
import { createOpenMeterClient } from '@llm-meter/openmeter-client';
import { readMeteringStats } from '../sdk/metering-stats.js';

/** One client timed by the bench: `sdk` groups a bare and a metered one in the table. */
export interface BenchTarget<Client> {
  sdk: string;
  metered: boolean;
  client: Client;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/** Starts a workspace CLI from its sources and resolves with the URL it prints. */
async function startServer({
  entry,
  args,
  children,
}: {
  entry: string;
  args: string[];
  children: ChildProcess[];
}): Promise<string> {
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

/**
 * Times one call; a call whose kept-alive connection the server closed while it sat idle (other
 * targets' blocks take long on a loaded machine) is made once more, and that second call timed.
 */
async function timeCall<Client>(
  call: (client: Client) => Promise<number>,
  client: Client,
): Promise<number> {
  try {
    return await call(client);
  } catch (error) {
    if ((error as Error | undefined)?.name !== 'APIConnectionError') throw error;
    return call(client);
  }
}

function describeCommit(directory: string): string {
  try {
    return execFileSync('git', ['-C', directory, 'log', '-1', '--format=%h %s'], {
      encoding: 'utf8',
    }).trim();
  } catch {
    return 'not a git checkout';
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/**
 * A `fetch` that answers each request with the answer openai-local gave to the same kind of
 * request (streamed or not), recorded once: calls replayed in process, no network and no
 * server, so what differs between a bare and a metered client is the wrapper's own work. `url`
 * is the endpoint, or one per kind where the URL says which (Gemini's `:streamGenerateContent`);
 * `isStream` tells a request's kind (default: its body says `"stream":true`).
 */
export async function createReplayFetch({
  url,
  headers,
  bodies,
  isStream = ({ body }) => body.includes('"stream":true'),
}: {
  url: string | { blocking: string; stream: string };
  headers: Record<string, string>;
  bodies: { blocking: Record<string, unknown>; stream: Record<string, unknown> };
  isStream?: ((request: { url: string; body: string }) => boolean) | undefined;
}): Promise<typeof fetch> {
  const recorded = new Map<boolean, { text: string; headers: Headers }>();
  for (const stream of [false, true]) {
    const target = typeof url === 'string' ? url : stream ? url.stream : url.blocking;
    const response = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(stream ? bodies.stream : bodies.blocking),
    });
    recorded.set(stream, { text: await response.text(), headers: response.headers });
  }
  return async (requestUrl, init) => {
    const stream = isStream({ url: String(requestUrl), body: String(init?.body) });
    const answer = recorded.get(stream) as { text: string; headers: Headers };
    return new Response(answer.text, { status: 200, headers: answer.headers });
  };
}

/**
 * The code to compare with, in the same run: a checkout of an earlier commit (`BENCH_BASELINE`,
 * e.g. `git worktree add --detach ../base s6-base && cd ../base && pnpm install --offline`),
 * whose sources `import` loads (a path inside that checkout, read through its own
 * `node_modules`), with its own outbox on the same openmeter-local.
 */
export interface BenchBaseline {
  /** The checkout's root, as given. */
  root: string;
  import<Module>(path: string): Promise<Module>;
  outbox: UsageOutbox;
}

/**
 * Runs the bench: `setup` makes the targets from the servers' origin and the outbox (and, when
 * `BENCH_BASELINE` names a checkout, the earlier code's wrapper and outbox to compare); `calls`
 * time one call each (blocking: to the parsed answer; stream: to the first chunk in the caller's
 * hands, the rest read untimed). Prints p50 and p99 per call kind and SDK, bare and metered, and
 * the metered clients' counters.
 */
export async function runClientOverheadBench<Client>({
  rounds = Number(process.env.BENCH_ROUNDS ?? 20),
  block = Number(process.env.BENCH_BLOCK ?? 50),
  setup,
  calls,
}: {
  rounds?: number | undefined;
  block?: number | undefined;
  setup: (input: {
    origin: string;
    outbox: UsageOutbox;
    baseline: BenchBaseline | undefined;
  }) => Promise<BenchTarget<Client>[]>;
  calls: Record<string, (client: Client) => Promise<number>>;
}): Promise<void> {
  const children: ChildProcess[] = [];
  const dir = await mkdtemp(join(tmpdir(), 'llm-meter-bench-'));
  try {
    const origin = await startServer({
      entry: 'packages/openai-local/src/cli.ts',
      args: ['--port', '0', '--tokens-per-second', '0'],
      children,
    });
    const openmeterUrl = await startServer({
      entry: 'packages/openmeter-local/src/cli.ts',
      args: [
        '--port',
        '0',
        '--meters',
        join(root, 'packages/meter-core/meters/openmeter-meters.yaml'),
        '--db',
        join(dir, 'om.db'),
      ],
      children,
    });
    const outbox = await createUsageOutbox({
      client: createOpenMeterClient({ baseUrl: openmeterUrl }),
      dir: join(dir, 'outbox'),
      logger: false,
    });
    const baselineRoot = process.env.BENCH_BASELINE;
    let baseline: BenchBaseline | undefined;
    if (baselineRoot) {
      const load = <Module>(path: string) =>
        import(pathToFileURL(join(baselineRoot, path)).href) as Promise<Module>;
      const before = await load<typeof import('@llm-meter/meter-outbox')>(
        'packages/meter-outbox/src/index.ts',
      );
      baseline = {
        root: baselineRoot,
        import: load,
        outbox: await before.createUsageOutbox({
          client: createOpenMeterClient({ baseUrl: openmeterUrl }),
          dir: join(dir, 'outbox-baseline'),
          logger: false,
        }),
      };
    }
    // BENCH_REPLAYED=1: only the replayed targets (the wrapper's own work, no network).
    const targets = (await setup({ origin, outbox, baseline })).filter(
      (target) => process.env.BENCH_REPLAYED !== '1' || target.sdk.startsWith('replayed'),
    );
    const samples = new Map<string, number[]>();
    const keyOf = (kind: string, target: BenchTarget<Client>) =>
      `${kind}|${target.sdk}|${target.metered}`;
    for (const [kind, call] of Object.entries(calls)) {
      // Warm-up: JIT, connection pools, the tokenizer's tables.
      for (const target of targets)
        for (let index = 0; index < block; index++) await timeCall(call, target.client);
      for (let round = 0; round < rounds; round++) {
        for (const target of targets) {
          const list = samples.get(keyOf(kind, target)) ?? [];
          for (let index = 0; index < block; index++)
            list.push(await timeCall(call, target.client));
          samples.set(keyOf(kind, target), list);
        }
      }
    }
    await outbox.flush();
    await baseline?.outbox.flush();
    const load = execFileSync('uptime', { encoding: 'utf8' }).trim();
    console.log(`\n${rounds} rounds x ${block} sequential calls per target and kind; ${load}`);
    if (baseline) console.log(`baseline: ${baseline.root} (${describeCommit(baseline.root)})`);
    console.log('');
    console.log(
      '| call | SDK | bare p50 | metered p50 | added p50 | bare p99 | metered p99 | added p99 |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
    const us = (ms: number) => `${Math.round(ms * 1000)} µs`;
    const sorted = (key: string) => [...(samples.get(key) ?? [])].sort((a, b) => a - b);
    for (const kind of Object.keys(calls)) {
      for (const sdk of new Set(targets.map((target) => target.sdk))) {
        const bare = sorted(`${kind}|${sdk}|false`);
        const metered = sorted(`${kind}|${sdk}|true`);
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
    const stats = targets.map((target) => readMeteringStats(target.client as object));
    console.log(`\nmetered: ${JSON.stringify(stats.filter(Boolean))}`);
    await outbox.close({ deadlineMs: 5_000 });
    await baseline?.outbox.close({ deadlineMs: 5_000 });
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  }
}
