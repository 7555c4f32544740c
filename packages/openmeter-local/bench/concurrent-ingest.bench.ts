import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOpenMeterClient, type OpenMeterClient } from '@llm-meter/openmeter-client';
import { afterAll, beforeAll, bench, describe, expect } from 'vitest';
import { createUsageBatchMaker } from './create-usage-batch.js';
import { LLM_METERS_FILE, spawnCliServer } from './spawn-cli-server.js';

// The load of issue 12: the `openmeter-local` command in its own process (file database,
// meter-core's 6 LLM meters), 8 clients each sending batches of 200 events at the same time,
// while a 9th client queries every 100 ms. One iteration = 8 clients x 10 batches = 16,000
// events, so events/s = hz x 16,000. Per-request ingest latencies (p50/p99) and query latencies
// are printed at the end, since a bench reports only iteration times.
const CLIENTS = 8;
const BATCH_SIZE = 200;
const BATCHES_PER_CLIENT = 10;
const QUERY_INTERVAL_MS = 100;

let directory: string;
let stopServer: () => Promise<void>;
let clients: OpenMeterClient[];
let queryClient: OpenMeterClient;
let sent = 0;
// Latencies of the warm-up iteration (cold JIT, first query plans) are not recorded.
let iteration = 0;
const ingestLatencies: number[] = [];
const queryLatencies: number[] = [];

const createBatch = createUsageBatchMaker({
  size: BATCH_SIZE,
  idPrefix: 'load',
  source: 'load-bench',
});

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

async function sendBatches(client: OpenMeterClient): Promise<void> {
  for (let batch = 0; batch < BATCHES_PER_CLIENT; batch++) {
    const events = createBatch();
    const started = performance.now();
    await client.events.ingest(events);
    if (iteration > 0) ingestLatencies.push(performance.now() - started);
    sent += events.length;
  }
}

async function queryWhile(done: { value: boolean }): Promise<void> {
  while (!done.value) {
    const started = performance.now();
    await queryClient.meters.query('llm_tokens_total', {
      windowSize: 'HOUR',
      groupBy: ['subject', 'model'],
    });
    const elapsed = performance.now() - started;
    if (iteration > 0) queryLatencies.push(elapsed);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, QUERY_INTERVAL_MS - elapsed)));
  }
}

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'openmeter-local-load-'));
  const server = await spawnCliServer([
    '--db',
    join(directory, 'load.db'),
    '--meters',
    LLM_METERS_FILE,
    '--log-level',
    'warn',
  ]);
  stopServer = server.stop;
  clients = Array.from({ length: CLIENTS }, () =>
    createOpenMeterClient({ baseUrl: server.url, retry: false }),
  );
  queryClient = createOpenMeterClient({ baseUrl: server.url, retry: false });
}, 60_000);

afterAll(async () => {
  const result = await queryClient.meters.query('llm_tokens_total', {});
  expect(result.data[0]?.value).toBe(sent * 200);
  const format = (values: number[]) =>
    `p50 ${percentile(values, 0.5).toFixed(1)} ms, p90 ${percentile(values, 0.9).toFixed(1)} ms, p99 ${percentile(values, 0.99).toFixed(1)} ms, max ${Math.max(...values).toFixed(1)} ms, n ${values.length}`;
  console.log(`ingest latency per batch of ${BATCH_SIZE}: ${format(ingestLatencies)}`);
  console.log(
    `query latency (every ${QUERY_INTERVAL_MS} ms during ingest): ${format(queryLatencies)}`,
  );
  await stopServer();
  rmSync(directory, { recursive: true, force: true });
});

describe(`${CLIENTS} clients ingesting batches of ${BATCH_SIZE}, server in its own process`, () => {
  bench(
    `${CLIENTS * BATCHES_PER_CLIENT * BATCH_SIZE} events, a query every ${QUERY_INTERVAL_MS} ms`,
    async () => {
      const done = { value: false };
      const querying = queryWhile(done);
      await Promise.all(clients.map((client) => sendBatches(client)));
      done.value = true;
      await querying;
      iteration++;
    },
    { iterations: 8, warmupIterations: 1 },
  );
});
