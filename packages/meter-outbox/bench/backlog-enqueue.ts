/**
 * enqueue() latency with a large backlog because OpenMeter is down (every ingest fails with a
 * retryable error), in two phases, one JSON line each:
 * - `fill`: the backlog is built from nothing by enqueueing as fast as one core can (the 4 GB of
 *   a 200,000 x 20 KB backlog in some 10 s, a write rate no application reaches);
 * - `held`: with that backlog held, OpenMeter still down, more events arrive at a steady rate
 *   (segments rotate, retries and compaction run) as an application's calls would send them.
 * Beside them, `write-floor` times plain `fs.writeSync` calls of the same bytes at the same pace
 * into the same file system, appended to new files or written over pre-written ones: the part of
 * the figures that belongs to the kernel and the disk.
 *
 *   OUTBOX_BENCH_EVENTS=200000 OUTBOX_BENCH_EVENT_BYTES=20000 pnpm --filter @llm-meter/meter-outbox bench:backlog
 *
 * Each line carries `cpuUsPerCall` beside the wall-clock percentiles: the CPU time the calls took
 * (summed per call, outside the timed window), far less sensitive to a busy machine than wall time.
 * `cpuClock` says whose: `thread` (the calling thread, `process.threadCpuUsage`, Node 23.9+) or
 * `process` (every thread, so background work running on the thread pool meanwhile counts too).
 * The first line gives the load average the run started under.
 *
 * OUTBOX_BENCH_EVENTS (default 200,000) and OUTBOX_BENCH_EVENT_BYTES (default 20,000) size the
 * backlog (200,000 x 20 KB = 4 GB of journal); OUTBOX_BENCH_HELD_EVENTS (default 20,000) and
 * OUTBOX_BENCH_HELD_RATE (events/s, default 1,000) shape the held phase; OUTBOX_BENCH_MAX_SECONDS
 * (default 900) stops the fill early and reports how far it got; OUTBOX_BENCH_DIR picks the
 * parent directory.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
// The built package (dist/, as it ships), not the TypeScript source: the source run through
// tsx's transform costs about twice the CPU per call in places (e.g. the event check).
import { createUsageOutbox } from '@llm-meter/meter-outbox';

const events = Number(process.env.OUTBOX_BENCH_EVENTS ?? 200_000);
const eventBytes = Number(process.env.OUTBOX_BENCH_EVENT_BYTES ?? 20_000);
const maxSeconds = Number(process.env.OUTBOX_BENCH_MAX_SECONDS ?? 900);
const heldEvents = Number(process.env.OUTBOX_BENCH_HELD_EVENTS ?? 20_000);
const heldRate = Number(process.env.OUTBOX_BENCH_HELD_RATE ?? 1_000);
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
  maxPending: events + heldEvents + 10,
  retry: { initialDelayMs: 1000, maxDelayMs: 5000 },
});

// CPU time of the calling thread where the runtime can tell it, else of the whole process.
const threadCpuUsage = (
  process as { threadCpuUsage?: (previous?: NodeJS.CpuUsage) => NodeJS.CpuUsage }
).threadCpuUsage;
const cpuClock = threadCpuUsage ? 'thread' : 'process';
const cpuUsage = (previous?: NodeJS.CpuUsage) =>
  threadCpuUsage ? threadCpuUsage.call(process, previous) : process.cpuUsage(previous);
console.log(
  JSON.stringify({ loadAverage: os.loadavg().map((load) => Math.round(load * 10) / 10) }),
);

const sleep = (milliseconds: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, milliseconds)));

/**
 * Times `count` calls of `call`, flat out (yielding every 100) or paced at `rate` per second.
 * `prepare` builds each call's input outside the timed window (and outside the CPU count).
 */
async function timeCalls<Input>({
  count,
  rate,
  prepare,
  call,
}: {
  count: number;
  rate: number | undefined;
  prepare: (index: number) => Input;
  call: (input: Input) => void;
}) {
  const timings = new Float64Array(count);
  const startedAt = performance.now();
  // CPU is counted over runs of calls, paused whenever the loop yields to background work (and
  // while inputs are prepared): reading it costs a system call, too much to do around each call.
  let cpuMicros = 0;
  let cpuFrom: NodeJS.CpuUsage | undefined;
  const pauseCpu = () => {
    if (cpuFrom === undefined) return;
    const used = cpuUsage(cpuFrom);
    cpuMicros += used.user + used.system;
    cpuFrom = undefined;
  };
  let inputs: Input[] = [];
  let next = 0;
  let done = 0;
  for (; done < count; done++) {
    if (rate !== undefined) {
      const due = startedAt + (done * 1000) / rate;
      pauseCpu();
      if (due > performance.now()) await sleep(due - performance.now());
    }
    // Inputs are built ahead, a run at a time, outside the CPU count.
    if (next >= inputs.length) {
      pauseCpu();
      const run = rate === undefined ? 100 : 1;
      inputs = Array.from({ length: Math.min(run, count - done) }, (_, offset) =>
        prepare(done + offset),
      );
      next = 0;
    }
    const input = inputs[next++] as Input;
    cpuFrom ??= cpuUsage();
    const started = process.hrtime.bigint();
    call(input);
    timings[done] = Number(process.hrtime.bigint() - started) / 1000;
    // Yield now and then so the background work (group commit, retries, compaction) runs too.
    if (rate === undefined && done % 100 === 99) {
      pauseCpu();
      await new Promise((resolve) => setImmediate(resolve));
      if ((performance.now() - startedAt) / 1000 > maxSeconds) {
        done++;
        break;
      }
    }
  }
  pauseCpu();
  const elapsedSeconds = (performance.now() - startedAt) / 1000;
  const sorted = Array.from(timings.subarray(0, done)).sort((left, right) => left - right);
  const at = (fraction: number) =>
    Math.round(
      (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0) * 10,
    ) / 10;
  return {
    calls: done,
    elapsedSeconds: Math.round(elapsedSeconds * 10) / 10,
    p50Us: at(0.5),
    p99Us: at(0.99),
    p999Us: at(0.999),
    maxUs: Math.round((sorted.at(-1) ?? 0) * 10) / 10,
    over5ms: sorted.filter((micros) => micros > 5000).length,
    cpuUsPerCall: done > 0 ? Math.round((cpuMicros / done) * 10) / 10 : 0,
    cpuClock,
  };
}

/**
 * Plain writes of one event's bytes into 8 MiB files, timed like the outbox's calls: appended to
 * new files (`append`), or written over files first filled with zeros and synced, untimed
 * (`pre-written`, as the journal's segments are).
 */
async function writeFloor({
  count,
  rate,
  prewritten,
}: {
  count: number;
  rate: number | undefined;
  prewritten: boolean;
}) {
  const floorDir = fs.mkdtempSync(path.join(parent, 'outbox-write-floor-'));
  const bytes = Buffer.from(JSON.stringify(makeEvent(0)));
  const fileBytes = 8 * 2 ** 20;
  const zeros = Buffer.alloc(fileBytes);
  // Pre-written files are all made before the clock starts (the journal makes them in the
  // background); appended ones are created when needed, as the journal used to.
  const perFile = Math.floor(fileBytes / bytes.length);
  const ready: number[] = [];
  for (let index = 0; prewritten && index <= Math.ceil(count / perFile); index++) {
    const fd = fs.openSync(path.join(floorDir, `ready-${index}`), 'wx+');
    fs.writeSync(fd, zeros, 0, fileBytes, 0);
    fs.fdatasyncSync(fd);
    ready.push(fd);
  }
  let file = 0;
  const openFile = () => ready.shift() ?? fs.openSync(path.join(floorDir, String(file++)), 'wx+');
  let fd = openFile();
  let position = 0;
  try {
    return await timeCalls({
      count,
      rate,
      prepare: () => undefined,
      call: () => {
        if (position + bytes.length > fileBytes) {
          fs.closeSync(fd);
          fd = openFile();
          position = 0;
        }
        position += fs.writeSync(fd, bytes, 0, bytes.length, position);
      },
    });
  } finally {
    for (const open of [fd, ...ready]) fs.closeSync(open);
    fs.rmSync(floorDir, { recursive: true, force: true });
  }
}

// Writes the kernel still holds are put to disk between phases, as time would between a
// backlog's building and the calls that come while it is held.
const settleDisk = () => {
  if (process.platform !== 'win32') execFileSync('sync');
};

const common = {
  durability,
  eventBytes: JSON.stringify(makeEvent(0)).length,
};
const floors: Array<{
  phase: string;
  mode: string;
  p99Us: number;
  cpuUsPerCall: number;
  [field: string]: unknown;
}> = [];
if (durability !== 'memory') {
  // On the empty disk the fill starts from.
  floors.push({
    phase: 'fill',
    mode: 'write-floor, append',
    ...(await writeFloor({ count: events, rate: undefined, prewritten: false })),
  });
  settleDisk();
}
const fill = await timeCalls({
  count: events,
  rate: undefined,
  prepare: makeEvent,
  call: (event) => outbox.enqueue(event),
});
const filled = fill.calls;
console.log(
  JSON.stringify({
    phase: 'fill',
    ...common,
    ...fill,
    finished: filled === events,
    pending: outbox.stats().pending,
  }),
);
await outbox.flush({ deadlineMs: 0 });
settleDisk();
const held = await timeCalls({
  count: heldEvents,
  rate: heldRate,
  prepare: (index) => makeEvent(filled + index),
  call: (event) => outbox.enqueue(event),
});
const memory = process.memoryUsage();
console.log(
  JSON.stringify({
    phase: 'held',
    ...common,
    ratePerSecond: heldRate,
    ...held,
    heapMiB: Math.round(memory.heapUsed / 2 ** 20),
    rssMiB: Math.round(memory.rss / 2 ** 20),
    pending: outbox.stats().pending,
  }),
);
if (durability !== 'memory') {
  // With the backlog still on disk, as the held phase had it.
  for (const prewritten of [false, true]) {
    settleDisk();
    floors.push({
      phase: 'held',
      mode: `write-floor, ${prewritten ? 'pre-written' : 'append'}`,
      ratePerSecond: heldRate,
      ...(await writeFloor({ count: heldEvents, rate: heldRate, prewritten })),
    });
  }
}
for (const floor of floors) console.log(JSON.stringify(floor));
// The target (issue 26, item 14): enqueue's p99 within 1.5 times the p99 of a plain write of the
// same bytes, measured in the same run, as absolute figures do not travel between machines.
// `append` is the floor of writes that extend a file; `pre-written` of writes over zeros, as the
// journal's segments are written (the stricter one).
const targetRatio = 1.5;
for (const [phase, enqueue] of [
  ['fill', fill],
  ['held', held],
] as const) {
  for (const floor of floors.filter((candidate) => candidate.phase === phase)) {
    const ratio = Math.round((enqueue.p99Us / floor.p99Us) * 100) / 100;
    const cpuRatio = Math.round((enqueue.cpuUsPerCall / floor.cpuUsPerCall) * 100) / 100;
    console.log(
      JSON.stringify({
        phase,
        verdict: ratio <= targetRatio ? 'pass' : 'fail',
        enqueueP99Us: enqueue.p99Us,
        floor: floor.mode,
        floorP99Us: floor.p99Us,
        ratio,
        target: targetRatio,
        enqueueCpuUsPerCall: enqueue.cpuUsPerCall,
        floorCpuUsPerCall: floor.cpuUsPerCall,
        cpuRatio,
      }),
    );
  }
}
await outbox.close({ deadlineMs: 0 });
fs.rmSync(dir, { recursive: true, force: true });
process.exit(0);
