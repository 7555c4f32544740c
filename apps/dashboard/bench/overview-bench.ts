// The overview's answer time on 1,000,000 events in openmeter-local (the README's figure):
//
//   pnpm --filter dashboard bench            (LLM_METER_BENCH_DIR keeps the seeded database)
//
// Seeds the events once through openmeter-local's ingest API (30 days, 50 subjects, 4 models, 3
// usage sources), then times GET / of the dashboard app over the 30 days, cold (a new reader:
// every OpenMeter query runs) and warm (within the 10 s cache), interleaved with the floor: the
// same OpenMeter queries sent directly, in parallel, without rendering (LLM_METER_BENCH_ROUNDS
// rounds, default 5). Prints the machine's load.
import { existsSync, mkdirSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { queryUsageTable } from '@llm-meter/app-kit';
import { openMeterMeters } from '@llm-meter/meter-core';
import { createOpenMeterClient } from '@llm-meter/openmeter-client';
import { startOpenMeterLocal } from '@llm-meter/openmeter-local';
import { createDashboardApp } from '../src/create-dashboard-app.js';
import { createOpenMeterReader } from '../src/read/create-openmeter-reader.js';
import { createV1ReadApi } from '../src/read/create-v1-read-api.js';

const eventCount = 1_000_000;
const batchSize = 5_000;
const rounds = Number(process.env.LLM_METER_BENCH_ROUNDS || 5);
const directory = process.env.LLM_METER_BENCH_DIR || join(tmpdir(), 'llm-meter-dashboard-bench');
const dbPath = join(directory, 'openmeter-local.db');
const models = [
  'gpt-4o-mini-2024-07-18',
  'gpt-4.1-mini-2025-04-14',
  'gpt-4.1-2025-04-14',
  'house-model-7b',
];
const sources = ['provider', 'provider', 'provider', 'estimated', 'settled'];
const first = Date.parse('2026-11-01T00:00:00Z');
const range = { from: '2026-11-01', to: '2026-11-30' };

mkdirSync(directory, { recursive: true });
const fresh = !existsSync(dbPath);
const local = await startOpenMeterLocal({ meters: openMeterMeters, dbPath });
const client = createOpenMeterClient({ baseUrl: local.url, timeoutMs: 600_000 });
try {
  if (fresh) {
    const started = performance.now();
    for (let offset = 0; offset < eventCount; offset += batchSize) {
      const batch = [];
      for (let index = offset; index < offset + batchSize; index++) {
        const prompt = 100 + (index % 1900);
        const completion = 10 + (index % 290);
        const cached = index % 3 === 0 ? Math.floor(prompt / 2) : 0;
        batch.push({
          id: `bench-${index}`,
          source: 'bench',
          type: 'openai',
          subject: `customer-${index % 50}`,
          time: new Date(first + (index % 30) * 86_400_000 + (index % 86_000) * 1000).toISOString(),
          data: {
            provider: 'openai',
            model: models[index % models.length],
            service_tier: 'default',
            endpoint: 'chat.completions',
            usage_source: sources[index % sources.length],
            prompt_tokens: prompt,
            cached_tokens: cached,
            completion_tokens: completion,
            total_tokens: prompt + completion,
          },
        });
      }
      await client.events.ingest(batch);
    }
    console.log(
      `seeded ${eventCount} events in ${((performance.now() - started) / 1000).toFixed(1)} s into ${dbPath}`,
    );
  } else {
    console.log(`reusing ${dbPath} (delete it to seed again)`);
  }

  const timeOverview = async ({ reader }: { reader: ReturnType<typeof createOpenMeterReader> }) => {
    const app = createDashboardApp({
      reader,
      api: createV1ReadApi({ client, baseUrl: local.url }),
      reportClients: [],
      notReconciled: [],
      token: undefined,
      cacheMs: 10_000,
    });
    const started = performance.now();
    const response = await app.request(`/?from=${range.from}&to=${range.to}`);
    const html = await response.text();
    const elapsed = performance.now() - started;
    if (response.status !== 200 || !html.includes('data-metric="total_tokens"')) {
      throw new Error(`the overview answered ${response.status}: ${html.slice(0, 300)}`);
    }
    return elapsed;
  };
  const timeFloor = async () => {
    const started = performance.now();
    const window = {
      from: new Date(`${range.from}T00:00:00Z`),
      to: new Date('2026-12-01T00:00:00Z'),
    };
    await Promise.all([
      queryUsageTable({ client, ...window }),
      client.meters.query('llm_tokens_total', { ...window, groupBy: ['usage_source'] }),
    ]);
    return performance.now() - started;
  };
  const cold: number[] = [];
  const warm: number[] = [];
  const floor: number[] = [];
  for (let round = 0; round < rounds; round++) {
    floor.push(await timeFloor());
    const reader = createOpenMeterReader({ api: createV1ReadApi({ client, baseUrl: local.url }) });
    cold.push(await timeOverview({ reader }));
    warm.push(await timeOverview({ reader }));
    console.log(
      `round ${round + 1}: floor ${floor.at(-1)?.toFixed(0)} ms, cold ${cold.at(-1)?.toFixed(0)} ms, warm ${warm.at(-1)?.toFixed(0)} ms (load ${loadavg()[0]?.toFixed(2)})`,
    );
  }
  const median = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  const show = (name: string, values: number[]) =>
    `${name}: median ${median(values).toFixed(0)} ms, max ${Math.max(...values).toFixed(0)} ms`;
  console.log(
    `load average ${loadavg()
      .map((value) => value.toFixed(2))
      .join(', ')} (1, 5, 15 min)`,
  );
  console.log(`overview of ${eventCount} events over 30 days, ${rounds} rounds, interleaved:`);
  console.log(`  ${show('cold (every query sent)', cold)}`);
  console.log(`  ${show('warm (cached answers)', warm)}`);
  console.log(`  ${show('floor (the same OpenMeter queries alone)', floor)}`);
  console.log(`  cold / floor: ${(median(cold) / median(floor)).toFixed(2)}`);
  const verdict = median(cold) < 1000 ? 'under' : 'NOT under';
  console.log(`cold overview ${verdict} 1 s`);
  process.exitCode = median(cold) < 1000 ? 0 : 1;
} finally {
  await local.close();
}
