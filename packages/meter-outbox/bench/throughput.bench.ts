import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createOpenMeterClient } from '@llm-meter/openmeter-client';
import { afterAll, beforeAll, bench, describe, expect } from 'vitest';
import { createUsageOutbox } from '../src/index.js';
import { startIngestTarget } from '../src/testing/start-ingest-target.js';
import { createTestEvent } from '../src/testing/start-test-openmeter.js';

// End-to-end delivery to a local OpenMeter: the outbox (enqueue N, then flush) against the
// OpenMeter example's approach (await one ingest call per event, in the request path).
const outboxEvents = 40_000;
const baselineEvents = 1_000;
let target: Awaited<ReturnType<typeof startIngestTarget>>;
const directories: string[] = [];

beforeAll(async () => {
  target = await startIngestTarget({ childProcess: true });
  const client = createOpenMeterClient({ baseUrl: target.url, retry: false });

  const baselineStarted = performance.now();
  for (let index = 0; index < baselineEvents; index++) {
    await client.events.ingest(createTestEvent({ index, source: 'baseline', subject: 'baseline' }));
  }
  const baselineSeconds = (performance.now() - baselineStarted) / 1000;

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outbox-bench-'));
  directories.push(dir);
  const outbox = await createUsageOutbox({ client, dir, batchSize: 1000, logger: false });
  const outboxStarted = performance.now();
  for (let index = 0; index < outboxEvents; index++) {
    outbox.enqueue(createTestEvent({ index, subject: 'outbox' }));
    if (index % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
  }
  const enqueuedSeconds = (performance.now() - outboxStarted) / 1000;
  const result = await outbox.flush({ deadlineMs: 60_000 });
  const outboxSeconds = (performance.now() - outboxStarted) / 1000;
  await outbox.close();
  expect(result.drained).toBe(true);
  expect(await target.countEvents('outbox')).toBe(outboxEvents);

  const baselineRate = baselineEvents / baselineSeconds;
  const outboxRate = outboxEvents / outboxSeconds;
  console.log(`\nend-to-end to ${target.kind}`);
  console.table([
    {
      approach: 'await ingest(event) per event',
      events: baselineEvents,
      seconds: baselineSeconds.toFixed(2),
      eventsPerSecond: Math.round(baselineRate),
    },
    {
      approach: 'outbox enqueue + background batches',
      events: outboxEvents,
      seconds: outboxSeconds.toFixed(2),
      eventsPerSecond: Math.round(outboxRate),
    },
  ]);
  console.log(
    `outbox/baseline: ${(outboxRate / baselineRate).toFixed(1)}x (enqueue phase alone: ${Math.round(outboxEvents / enqueuedSeconds)} events/s)`,
  );
}, 120_000);

afterAll(async () => {
  await target?.close();
  for (const directory of directories) fs.rmSync(directory, { recursive: true, force: true });
});

describe('end-to-end', () => {
  let round = 0;
  bench(
    'outbox: enqueue 2,000 events and flush',
    async () => {
      round++;
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outbox-bench-'));
      directories.push(dir);
      const outbox = await createUsageOutbox({
        client: createOpenMeterClient({ baseUrl: target.url, retry: false }),
        dir,
        batchSize: 1000,
        logger: false,
      });
      for (let index = 0; index < 2000; index++) {
        outbox.enqueue(
          createTestEvent({ index, source: `round-${round}`, subject: `round-${round}` }),
        );
      }
      await outbox.close({ deadlineMs: 30_000 });
    },
    { time: 1000, iterations: 5 },
  );
});
