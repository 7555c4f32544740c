/**
 * enqueue() latency while a large backlog builds up because OpenMeter is down (every ingest
 * fails with a retryable error). Prints p50/p99/max per call and where the time went.
 *
 *   OUTBOX_BENCH_EVENTS=200000 OUTBOX_BENCH_EVENT_BYTES=20000 pnpm --filter @llm-meter/meter-outbox bench:backlog
 *
 * OUTBOX_BENCH_EVENTS (default 200,000) and OUTBOX_BENCH_EVENT_BYTES (default 20,000) size the
 * backlog (200,000 x 20 KB = 4 GB of journal); OUTBOX_BENCH_MAX_SECONDS (default 900) stops
 * early and reports how far it got; OUTBOX_BENCH_DIR picks the parent directory.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createUsageOutbox } from '../src/index.js';

const events = Number(process.env.OUTBOX_BENCH_EVENTS ?? 200_000);
const eventBytes = Number(process.env.OUTBOX_BENCH_EVENT_BYTES ?? 20_000);
const maxSeconds = Number(process.env.OUTBOX_BENCH_MAX_SECONDS ?? 900);
const parent = process.env.OUTBOX_BENCH_DIR ?? os.tmpdir();
const dir = fs.mkdtempSync(path.join(parent, 'outbox-backlog-bench-'));

// OpenMeter is down: every ingest fails as a connection failure would (retryable).
const downClient = {
  events: {
    ingest: async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { isRetryable: true });
    },
  },
};

const filler = 'x'.repeat(Math.max(0, eventBytes - 300));
const makeEvent = (index: number) => ({
  specversion: '1.0',
  id: `bench-${index}`,
  source: 'outbox-backlog-bench',
  type: 'llm.usage',
  subject: `customer-${index % 100}`,
  time: new Date(1_800_000_000_000 + index).toISOString(),
  data: { model: 'gpt-4o-mini', prompt_tokens: 12, completion_tokens: index % 500, note: filler },
});

// `memory` measures the floor (validation and JSON only, no file) on the same machine.
const durability = (process.env.OUTBOX_BENCH_DURABILITY ?? 'group') as
  | 'group'
  | 'os'
  | 'fsync-each'
  | 'memory';
const outbox = await createUsageOutbox({
  client: downClient,
  dir: durability === 'memory' ? undefined : dir,
  durability,
  logger: false,
  maxPending: events + 10,
  retry: { initialDelayMs: 1000, maxDelayMs: 5000 },
});
const timings = new Float64Array(events);
const startedAt = performance.now();
let done = 0;
for (; done < events; done++) {
  const event = makeEvent(done);
  const started = process.hrtime.bigint();
  outbox.enqueue(event);
  timings[done] = Number(process.hrtime.bigint() - started) / 1000;
  // Yield now and then so the background work (group commit, retries, compaction) runs too.
  if (done % 100 === 99) {
    await new Promise((resolve) => setImmediate(resolve));
    if ((performance.now() - startedAt) / 1000 > maxSeconds) {
      done++;
      break;
    }
  }
}
const elapsedSeconds = (performance.now() - startedAt) / 1000;
const sorted = Array.from(timings.subarray(0, done)).sort((left, right) => left - right);
const at = (fraction: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0;
const memory = process.memoryUsage();
const result = {
  durability,
  events: done,
  requested: events,
  eventBytes: JSON.stringify(makeEvent(0)).length,
  finished: done === events,
  elapsedSeconds: Math.round(elapsedSeconds),
  p50Us: Math.round(at(0.5) * 10) / 10,
  p99Us: Math.round(at(0.99) * 10) / 10,
  p999Us: Math.round(at(0.999) * 10) / 10,
  maxUs: Math.round((sorted.at(-1) ?? 0) * 10) / 10,
  over5ms: sorted.filter((micros) => micros > 5000).length,
  heapMiB: Math.round(memory.heapUsed / 2 ** 20),
  rssMiB: Math.round(memory.rss / 2 ** 20),
  pending: outbox.stats().pending,
};
console.log(JSON.stringify(result));
await outbox.close({ deadlineMs: 0 });
fs.rmSync(dir, { recursive: true, force: true });
process.exit(0);
