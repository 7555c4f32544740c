import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOpenMeterClient, type OpenMeterClient } from '@llm-meter/openmeter-client';
import { afterAll, beforeAll, bench, describe, expect } from 'vitest';
import { type OpenMeterLocal, startOpenMeterLocal } from '../src/start-open-meter-local.js';
import { createUsageBatchMaker } from './create-usage-batch.js';
import { LLM_METERS_FILE, spawnCliServer } from './spawn-cli-server.js';

// End-to-end ingestion through the HTTP API with the generated client: batches of 500 usage
// events (type openai, as meter-core emits them) into a file database, with meter-core's
// default LLM meters applied on ingest. One iteration = 20 batches = 10,000 events, so
// events/s = hz x 10,000. Measured twice: server in this process (client and server share one
// core) and server as the `openmeter-local` command in a child process (how apps use it).
const BATCH_SIZE = 500;
const BATCHES_PER_ITERATION = 20;

let directory: string;
let server: OpenMeterLocal;
let client: OpenMeterClient;
let stopChild: () => Promise<void>;
let childClient: OpenMeterClient;
let sent = 0;
let childSent = 0;

const createBatch = createUsageBatchMaker({
  size: BATCH_SIZE,
  idPrefix: 'bench',
  source: 'ingest-bench',
});

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'openmeter-local-ingest-'));
  server = await startOpenMeterLocal({
    dbPath: join(directory, 'ingest.db'),
    metersFile: LLM_METERS_FILE,
  });
  client = createOpenMeterClient({ baseUrl: server.url, retry: false });
  expect((await client.meters.list()).length).toBeGreaterThan(0);
  const childServer = await spawnCliServer([
    '--db',
    join(directory, 'child.db'),
    '--meters',
    LLM_METERS_FILE,
    '--log-level',
    'warn',
  ]);
  stopChild = childServer.stop;
  childClient = createOpenMeterClient({ baseUrl: childServer.url, retry: false });
}, 60_000);
afterAll(async () => {
  const result = await client.meters.query('llm_tokens_total', {});
  expect(result.data[0]?.value).toBe(sent * 200);
  const childResult = await childClient.meters.query('llm_tokens_total', {});
  expect(childResult.data[0]?.value).toBe(childSent * 200);
  await stopChild();
  await server.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('ingest over HTTP', () => {
  bench(
    `10,000 events in batches of ${BATCH_SIZE}`,
    async () => {
      for (let batch = 0; batch < BATCHES_PER_ITERATION; batch++) {
        await client.events.ingest(createBatch());
        sent += BATCH_SIZE;
      }
    },
    { iterations: 10, warmupIterations: 1 },
  );

  bench(
    `10,000 events in batches of ${BATCH_SIZE}, server in a child process`,
    async () => {
      for (let batch = 0; batch < BATCHES_PER_ITERATION; batch++) {
        await childClient.events.ingest(createBatch());
        childSent += BATCH_SIZE;
      }
    },
    { iterations: 10, warmupIterations: 1 },
  );
});
