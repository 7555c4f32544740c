import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOpenMeterClient, type MeterQueryResult } from '@llm-meter/openmeter-client';
import { afterAll, beforeAll, bench, describe, expect } from 'vitest';
import type { ValidEvent } from '../src/events/validate-event.js';
import { type OpenMeterLocal, startOpenMeterLocal } from '../src/start-open-meter-local.js';
import { OpenMeterStore } from '../src/storage/open-meter-store.js';
import { benchModels } from './create-usage-batch.js';

// SUM of tokens by subject and model per DAY over 1,000,000 stored events (30 days, 100
// subjects, 5 models), asked end to end over HTTP with the generated client. The data is
// written straight through the storage layer in one transaction, not through HTTP.
const EVENT_COUNT = 1_000_000;
const DAYS = 30;
const SUBJECTS = 100;
const START = Date.parse('2025-01-01T00:00:00Z');

function* createEvents(): Generator<ValidEvent> {
  let seed = 42;
  for (let index = 0; index < EVENT_COUNT; index++) {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    // Events arrive roughly in time order, as they do from live traffic.
    const time =
      START + Math.floor(((index + seed / 2_147_483_648) / EVENT_COUNT) * DAYS * 86_400_000);
    yield {
      timeMilliseconds: time,
      event: {
        specversion: '1.0',
        id: `event-${index}`,
        source: 'bench',
        type: 'prompt',
        subject: `customer-${index % SUBJECTS}`,
        time: new Date(time).toISOString(),
        data: {
          tokens: (index % 1000) + 1,
          model: benchModels[Math.floor(index / SUBJECTS) % benchModels.length],
          type: 'input',
        },
      },
    };
  }
}

let directory: string;
let server: OpenMeterLocal;
let sink: MeterQueryResult | undefined;
const client = () => createOpenMeterClient({ baseUrl: server.url, retry: false });

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'openmeter-local-bench-'));
  const dbPath = join(directory, 'bench.db');
  const meters = [
    {
      slug: 'tokens_total',
      eventType: 'prompt',
      aggregation: 'SUM' as const,
      valueProperty: '$.tokens',
      groupBy: { model: '$.model', type: '$.type' },
    },
  ];
  const store = new OpenMeterStore({ dbPath });
  store.syncConfigMeters({ meters });
  const started = performance.now();
  const outcome = store.ingest({ events: createEvents(), ingestedAtMilliseconds: Date.now() });
  store.close();
  console.log(`stored ${outcome.stored} events in ${Math.round(performance.now() - started)} ms`);
  server = await startOpenMeterLocal({ dbPath, meters });
  const result = await client().meters.query('tokens_total', {
    windowSize: 'DAY',
    groupBy: ['subject', 'model'],
  });
  expect(result.data).toHaveLength(DAYS * SUBJECTS * benchModels.length);
  const total = result.data.reduce((sum, row) => sum + row.value, 0);
  expect(total).toBe(500_500_000);
}, 600_000);
afterAll(async () => {
  await server.close();
  rmSync(directory, { recursive: true, force: true });
  if (sink === undefined) throw new Error('benchmark produced nothing');
});

describe('query 1,000,000 events', () => {
  bench(
    'SUM by subject and model, windowSize DAY, UTC',
    async () => {
      sink = await client().meters.query('tokens_total', {
        windowSize: 'DAY',
        groupBy: ['subject', 'model'],
      });
    },
    { iterations: 5, warmupIterations: 1 },
  );

  bench(
    'SUM by subject and model, windowSize DAY, Europe/Berlin',
    async () => {
      sink = await client().meters.query('tokens_total', {
        windowSize: 'DAY',
        windowTimeZone: 'Europe/Berlin',
        groupBy: ['subject', 'model'],
      });
    },
    { iterations: 5, warmupIterations: 1 },
  );
});
