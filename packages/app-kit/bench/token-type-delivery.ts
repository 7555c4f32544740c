// What the token-type events cost on v3: the outbox delivering N usage events to openmeter-local
// (its own process, so it does not share our event loop) through v1, through v3 without
// token-type events, and through v3 with them (the apps' default on v3), interleaved round by
// round. Prints the events and requests sent, and the delivery time (first enqueue to drained).
// LLM_METER_BENCH_EVENTS (default 5000), LLM_METER_BENCH_ROUNDS (default 5).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createUsageOutbox,
  type OutboxEvent,
  type OutboxIngestClient,
} from '@llm-meter/meter-outbox';
import { createOpenMeterClient } from '@llm-meter/openmeter-client';
import { createOpenMeterV3Client } from '@llm-meter/openmeter-client/v3';
import { createTokenTypeIngest } from '../src/create-token-type-ingest.js';

const events = Number(process.env.LLM_METER_BENCH_EVENTS || 5000);
const rounds = Number(process.env.LLM_METER_BENCH_ROUNDS || 5);
const modes = ['v1', 'v3', 'v3 + token types'] as const;
type Mode = (typeof modes)[number];

async function startServer(): Promise<{ url: string; stop(): void }> {
  const cli = fileURLToPath(new URL('../../openmeter-local/dist/cli.js', import.meta.url));
  const child = spawn(
    process.execPath,
    [cli, '--port', '0', '--db', ':memory:', '--log-level', 'silent'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`openmeter-local exited with ${code}`)));
  });
  return { url, stop: () => child.kill() };
}

function usageEvent({
  round,
  mode,
  index,
}: {
  round: number;
  mode: Mode;
  index: number;
}): OutboxEvent {
  const prompt = 200 + (index % 1800);
  const cached = index % 2 === 0 ? Math.floor(prompt / 2) : 0;
  const completion = 20 + (index % 300);
  return {
    specversion: '1.0',
    id: `bench-${round}-${mode.replaceAll(' ', '')}-${index}`,
    source: 'llm-meter-bench',
    type: 'openai',
    subject: `customer-${index % 20}`,
    time: new Date(Date.UTC(2026, 11, 7, 10, 0, 0, index)).toISOString(),
    data: {
      provider: 'openai',
      model: 'gpt-4o-mini-2024-07-18',
      service_tier: 'default',
      endpoint: 'chat.completions',
      usage_source: 'provider',
      prompt_tokens: prompt,
      cached_tokens: cached,
      completion_tokens: completion,
      total_tokens: prompt + completion,
    },
  };
}

async function run({ url, mode, round }: { url: string; mode: Mode; round: number }) {
  const sent = { events: 0, requests: 0 };
  const countingFetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    if (request.method === 'POST') {
      const body = JSON.parse(await request.clone().text()) as unknown;
      sent.requests += 1;
      sent.events += Array.isArray(body) ? body.length : 1;
    }
    return fetch(request);
  };
  const options = { retry: false as const, fetch: countingFetch };
  const client: OutboxIngestClient =
    mode === 'v1'
      ? createOpenMeterClient({ baseUrl: url, ...options })
      : mode === 'v3'
        ? createOpenMeterV3Client({ baseUrl: `${url}/api/v3`, ...options })
        : createTokenTypeIngest({
            client: createOpenMeterV3Client({ baseUrl: `${url}/api/v3`, ...options }),
            usageEventType: 'openai',
          });
  const dir = mkdtempSync(join(tmpdir(), 'token-type-bench-'));
  const outbox = await createUsageOutbox({ client, dir, logger: false });
  const started = performance.now();
  for (let index = 0; index < events; index++) {
    outbox.enqueue(usageEvent({ round, mode, index }));
    if (index % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
  }
  const result = await outbox.flush({ deadlineMs: 600_000 });
  const seconds = (performance.now() - started) / 1000;
  const stats = outbox.stats();
  await outbox.close();
  rmSync(dir, { recursive: true, force: true });
  if (!result.drained || stats.delivered !== events) {
    throw new Error(`${mode}: ${stats.delivered} of ${events} delivered`);
  }
  return { seconds, ...sent };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

const server = await startServer();
try {
  const results = new Map<Mode, Array<{ seconds: number; events: number; requests: number }>>(
    modes.map((mode) => [mode, []]),
  );
  const loads: string[] = [loadavg()[0]?.toFixed(1) ?? '?'];
  for (let round = 0; round < rounds; round++) {
    // Rotate the order so no mode always runs first (warm-up, a neighbour's load).
    for (let offset = 0; offset < modes.length; offset++) {
      const mode = modes[(round + offset) % modes.length] as Mode;
      results.get(mode)?.push(await run({ url: server.url, mode, round }));
    }
    loads.push(loadavg()[0]?.toFixed(1) ?? '?');
  }
  const base = median((results.get('v1') ?? []).map((result) => result.seconds));
  console.log(
    `${events} usage events per run, ${rounds} rounds interleaved, openmeter-local (:memory:) in a child process; load average (1 min) per round: ${loads.join(' ')}`,
  );
  console.table(
    modes.map((mode) => {
      const list = results.get(mode) ?? [];
      const seconds = median(list.map((result) => result.seconds));
      return {
        mode,
        'events sent': list[0]?.events,
        requests: list[0]?.requests,
        'median s': seconds.toFixed(2),
        'min s': Math.min(...list.map((result) => result.seconds)).toFixed(2),
        'max s': Math.max(...list.map((result) => result.seconds)).toFixed(2),
        'usage events/s': Math.round(events / seconds),
        'x v1': (seconds / base).toFixed(2),
      };
    }),
  );
} finally {
  server.stop();
}
