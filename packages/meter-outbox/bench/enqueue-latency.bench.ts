import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, bench, describe, expect } from 'vitest';
import { createUsageOutbox, type UsageOutbox, type UsageOutboxOptions } from '../src/index.js';
import { createTestEvent } from '../src/testing/start-test-openmeter.js';

// enqueue() latency per durability mode, with the background flusher running against a client
// that acknowledges at once. Percentiles come from per-call process.hrtime.bigint() timings.
const modes: Array<{ durability: NonNullable<UsageOutboxOptions['durability']>; calls: number }> = [
  { durability: 'group', calls: 20_000 },
  { durability: 'os', calls: 20_000 },
  { durability: 'memory', calls: 20_000 },
  { durability: 'fsync-each', calls: 500 },
];
const instantClient = { events: { ingest: async () => {} } };
const directories: string[] = [];
const outboxes: UsageOutbox[] = [];
let sink = 0;

async function openOutbox(durability: NonNullable<UsageOutboxOptions['durability']>) {
  const dir =
    durability === 'memory' ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'outbox-bench-'));
  if (dir) directories.push(dir);
  const outbox = await createUsageOutbox({
    client: instantClient,
    dir,
    durability,
    logger: false,
    maxPending: 1_000_000,
  });
  outboxes.push(outbox);
  return outbox;
}

const percentile = (sorted: bigint[], fraction: number) =>
  Number(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]) / 1000;

async function measure(durability: NonNullable<UsageOutboxOptions['durability']>, calls: number) {
  const outbox = await openOutbox(durability);
  const timings: bigint[] = [];
  for (let index = 0; index < calls; index++) {
    const event = createTestEvent({ index });
    const started = process.hrtime.bigint();
    outbox.enqueue(event);
    timings.push(process.hrtime.bigint() - started);
    // Yield now and then so the flusher (acks, fsync) competes with enqueue as in production.
    if (index % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
  }
  await outbox.flush();
  expect(outbox.stats().delivered).toBe(calls);
  timings.sort((left, right) => (left < right ? -1 : left > right ? 1 : 0));
  return {
    durability,
    calls,
    p50: percentile(timings, 0.5),
    p90: percentile(timings, 0.9),
    p99: percentile(timings, 0.99),
    max: percentile(timings, 1),
  };
}

beforeAll(async () => {
  const rows = [];
  for (const { durability, calls } of modes) rows.push(await measure(durability, calls));
  console.log('\nenqueue latency (µs)');
  console.table(
    rows.map((row) => ({
      ...row,
      p50: row.p50.toFixed(1),
      p90: row.p90.toFixed(1),
      p99: row.p99.toFixed(1),
      max: row.max.toFixed(0),
    })),
  );
}, 120_000);

afterAll(async () => {
  for (const outbox of outboxes) await outbox.close({ deadlineMs: 1000 });
  for (const directory of directories) fs.rmSync(directory, { recursive: true, force: true });
  if (sink === -1) console.log(sink);
});

describe('enqueue', () => {
  let group: UsageOutbox;
  let index = 0;
  beforeAll(async () => {
    group = await openOutbox('group');
  });
  bench(
    "durability 'group'",
    () => {
      group.enqueue(createTestEvent({ index: index++ }));
      sink += index;
    },
    { time: 500, iterations: 1000 },
  );
});
