import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOpenMeterClient, type OpenMeterClient } from '@llm-meter/openmeter-client';
import { afterAll, beforeAll, bench, describe, expect } from 'vitest';
import { createUsageBatchMaker } from './create-usage-batch.js';
import { LLM_METERS_FILE, spawnCliServer } from './spawn-cli-server.js';

// What the per-hour rollup costs ingestion: two `openmeter-local` commands in their own
// processes (file databases, meter-core's LLM meters), one as shipped and one with the rollup
// switched off (`cli-without-rollup.ts`), each loaded in turn by 8 clients sending 10 batches
// of 200 events at once. Each iteration loads both, the order swapped every iteration, so both
// see the same machine load; the events/s of each are printed at the end with the load average,
// and the CPU time each server process spent per event (from /proc on Linux), which other
// processes on a loaded machine disturb far less than elapsed time.
const CLIENTS = 8;
const BATCH_SIZE = 200;
const BATCHES_PER_CLIENT = 10;
const EVENTS_PER_ROUND = CLIENTS * BATCH_SIZE * BATCHES_PER_CLIENT;

interface Variant {
  name: string;
  stop: () => Promise<void>;
  clients: OpenMeterClient[];
  createBatch: () => ReturnType<ReturnType<typeof createUsageBatchMaker>>;
  sent: number;
  /** Seconds each measured round took. */
  rounds: number[];
  /** The server process's CPU seconds (user + system) so far; undefined off Linux. */
  cpuSeconds: () => number | undefined;
  /** CPU microseconds per event of each measured round. */
  cpuPerEvent: number[];
}

/** User + system CPU seconds of a process, from /proc/<pid>/stat (Linux), else undefined. */
function readCpuSeconds(pid: number | undefined): number | undefined {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and
    // 13th, in clock ticks (100 a second on Linux).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

let directory: string;
let variants: Variant[] = [];
let iteration = 0;
// Event times are taken from the clock as batches are made (see create-usage-batch.ts).
const benchStarted = Date.now();
const loads: number[] = [];

async function startVariant({ name, entry }: { name: string; entry: string }): Promise<Variant> {
  const server = await spawnCliServer(
    ['--db', join(directory, `${name}.db`), '--meters', LLM_METERS_FILE, '--log-level', 'warn'],
    { entry },
  );
  return {
    name,
    stop: server.stop,
    clients: Array.from({ length: CLIENTS }, () =>
      createOpenMeterClient({ baseUrl: server.url, retry: false }),
    ),
    createBatch: createUsageBatchMaker({
      size: BATCH_SIZE,
      idPrefix: name,
      source: 'rollup-bench',
    }),
    sent: 0,
    rounds: [],
    cpuSeconds: () => readCpuSeconds(server.child.pid),
    cpuPerEvent: [],
  };
}

async function loadRound(variant: Variant): Promise<void> {
  const cpuBefore = variant.cpuSeconds();
  const started = performance.now();
  await Promise.all(
    variant.clients.map(async (client) => {
      for (let batch = 0; batch < BATCHES_PER_CLIENT; batch++) {
        await client.events.ingest(variant.createBatch());
        variant.sent += BATCH_SIZE;
      }
    }),
  );
  // The warm-up round (cold JIT, empty tables) is not recorded.
  if (iteration === 0) return;
  variant.rounds.push((performance.now() - started) / 1000);
  const cpuAfter = variant.cpuSeconds();
  if (cpuBefore !== undefined && cpuAfter !== undefined) {
    variant.cpuPerEvent.push(((cpuAfter - cpuBefore) / EVENTS_PER_ROUND) * 1_000_000);
  }
}

/**
 * The meter's total read from its value table: bounds inside an hour (one millisecond before the
 * bench's first hour, one after its last) are never answered from the rollup.
 */
async function sumReadings(client: OpenMeterClient): Promise<number> {
  const hour = 3_600_000;
  const result = await client.meters.query('llm_tokens_total', {
    from: new Date(Math.floor(benchStarted / hour) * hour - 1),
    to: new Date(Math.ceil(Date.now() / hour) * hour + hour + 1),
  });
  return result.data.reduce((total, row) => total + row.value, 0);
}

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'openmeter-local-rollup-'));
  variants = await Promise.all([
    startVariant({ name: 'rollup', entry: 'src/cli.ts' }),
    startVariant({ name: 'no-rollup', entry: 'bench/cli-without-rollup.ts' }),
  ]);
}, 60_000);

afterAll(async () => {
  try {
    const median = (values: number[]) => {
      const sorted = [...values].sort((left, right) => left - right);
      return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
    };
    const rate = (seconds: number) => Math.round(EVENTS_PER_ROUND / seconds);
    for (const variant of variants) {
      const total = variant.rounds.reduce((sum, seconds) => sum + seconds, 0);
      console.log(
        `${variant.name}: median ${rate(median(variant.rounds))} events/s, overall ${rate(total / variant.rounds.length)} events/s over ${variant.rounds.length} rounds of ${EVENTS_PER_ROUND} (rounds ${variant.rounds.map((seconds) => rate(seconds)).join(', ')})`,
      );
    }
    for (const variant of variants) {
      if (variant.cpuPerEvent.length === 0) continue;
      console.log(
        `${variant.name}: server CPU per event median ${median(variant.cpuPerEvent).toFixed(1)} µs (rounds ${variant.cpuPerEvent.map((micros) => micros.toFixed(1)).join(', ')})`,
      );
    }
    const [withRollup, without] = variants as [Variant, Variant];
    if (withRollup.cpuPerEvent.length > 0) {
      const cpuPairs = withRollup.cpuPerEvent.map(
        (micros, index) => micros / (without.cpuPerEvent[index] ?? Number.NaN),
      );
      console.log(
        `rollup / no-rollup server CPU per event, per pair of rounds: median ${median(cpuPairs).toFixed(3)} (${cpuPairs.map((ratio) => ratio.toFixed(2)).join(', ')})`,
      );
    }
    const pairs = withRollup.rounds.map((seconds, index) => (without.rounds[index] ?? 0) / seconds);
    console.log(
      `rollup / no-rollup throughput, per pair of rounds: median ${median(pairs).toFixed(3)} (${pairs.map((ratio) => ratio.toFixed(2)).join(', ')}); load average during the rounds ${loads.map((load) => load.toFixed(1)).join(', ')}`,
    );
    // Every event stored on both (read from the value tables); the shipped server's rollup
    // answers the same total.
    for (const variant of variants) {
      expect(await sumReadings(variant.clients[0] as OpenMeterClient)).toBe(variant.sent * 200);
    }
    const fromRollup = await withRollup.clients[0]?.meters.query('llm_tokens_total', {});
    expect(fromRollup?.data[0]?.value).toBe(withRollup.sent * 200);
  } finally {
    await Promise.all(variants.map((variant) => variant.stop()));
    rmSync(directory, { recursive: true, force: true });
  }
});

describe(`${CLIENTS} clients ingesting batches of ${BATCH_SIZE}, with and without the rollup`, () => {
  bench(
    `${EVENTS_PER_ROUND} events to each server, in turn`,
    async () => {
      const order = iteration % 2 === 0 ? variants : [...variants].reverse();
      for (const variant of order) await loadRound(variant);
      loads.push(loadavg()[0] ?? Number.NaN);
      iteration++;
    },
    { iterations: 12, warmupIterations: 1 },
  );
});
