// The chaos run of issue 26, repeatable: CHAOS_CLIENTS openai SDK clients send a mix of calls
// (chat blocking, streams with and without include_usage, streams the client aborts after
// CHAOS_ABORT_AFTER chunks, Responses blocking and streaming, embeddings) through the proxy for
// CHAOS_SECONDS, while the proxy is killed with SIGKILL CHAOS_KILLS times (and restarted on the same
// data directory) and openmeter-local is down for CHAOS_OUTAGE_SECONDS. openai-local, openmeter-local
// and the proxy (the built dist/main.js) each run in their own process. Then, once the outbox has
// delivered, every response openai-local's ledger billed is set beside OpenMeter's events.
// Exits 1 when a guarantee fails: a hung client, a lost or double-counted response, a completed
// response metered to its end but not exact, an event billed to another subject.
// Run (after pnpm build): pnpm --filter proxy chaos   (settings: see parse-chaos-settings.ts)
import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createOpenMeterClient } from '@llm-meter/openmeter-client';
import OpenAI from 'openai';
import { fetch as undiciFetch } from 'undici';
import { type ChaosCall, compareWithLedger, type LedgerEntry } from './compare-with-ledger.js';
import { createChaosSchedule } from './create-chaos-schedule.js';
import { createSeededRandom } from './create-seeded-random.js';
import { formatChaosSummary } from './format-chaos-summary.js';
import { listAllEvents } from './list-all-events.js';
import { ChaosSettingsError, parseChaosSettings } from './parse-chaos-settings.js';
import { chaosCallKinds, runChaosCall } from './run-chaos-call.js';
import { type RunningChild, startChild } from './start-child.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..', '..');
const proxyMain = join(root, 'apps/proxy/dist/main.js');
const openaiLocalCli = join(root, 'packages/openai-local/dist/cli.js');
const openmeterLocalCli = join(root, 'packages/openmeter-local/dist/cli.js');

const undiciVersion = (createRequire(import.meta.url)('undici/package.json') as { version: string })
  .version;

let settings: ReturnType<typeof parseChaosSettings>;
try {
  settings = parseChaosSettings({ env: process.env });
} catch (error) {
  if (!(error instanceof ChaosSettingsError)) throw error;
  process.stderr.write(`chaos: ${error.message}\n`);
  process.exit(2);
}
for (const file of [proxyMain, openaiLocalCli, openmeterLocalCli])
  if (!existsSync(file)) {
    process.stderr.write(`chaos: ${file} is missing: run pnpm build first\n`);
    process.exit(2);
  }

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const words =
  'tide harbour lantern copper meadow signal orbit ledger cedar vessel quartz amber'.split(' ');
const dir = await mkdtemp(join(tmpdir(), 'proxy-chaos-'));
const log = createWriteStream(join(dir, 'chaos.log'));
const running = new Set<RunningChild>();
const loadAtStart = loadavg();
let exitCode = 2;
try {
  const openaiPort = await freePort();
  const openmeterPort = await freePort();
  const proxyPort = await freePort();
  const serverKey = 'sk-chaos-server-key';
  const clientKeys = Array.from({ length: settings.clients }, (_, index) => ({
    key: `sk-chaos-client-${index}`,
    subject: `chaos-client-${index}`,
  }));

  const openai = await startChild({
    name: 'openai-local',
    args: [
      openaiLocalCli,
      '--port',
      String(openaiPort),
      '--tokens-per-second',
      String(settings.tokensPerSecond),
      '--data-dir',
      join(dir, 'openai-local'),
      '--quiet',
    ],
    // Only the server's key is accepted upstream: the proxy must use it for every caller.
    env: { OPENAI_LOCAL_API_KEY: serverKey },
    ready: /^(http:\/\/\S+\/v1)$/m,
    log,
  });
  running.add(openai);
  const openaiUrl = openai.match[1] as string;

  const startOpenMeter = async () => {
    const child = await startChild({
      name: 'openmeter-local',
      args: [openmeterLocalCli, '--port', String(openmeterPort), '--db', join(dir, 'openmeter.db')],
      env: {},
      ready: /listening on/,
      log,
    });
    running.add(child);
    return child;
  };
  let openmeter = await startOpenMeter();
  const openmeterUrl = `http://127.0.0.1:${openmeterPort}`;

  const proxyEnv = {
    OPENAI_BASE_URL: openaiUrl,
    OPENAI_API_KEY: serverKey,
    LLM_METER_PROXY_KEYS: clientKeys.map(({ key, subject }) => `${key}=${subject}`).join(','),
    OPENMETER_URL: openmeterUrl,
    LLM_METER_DATA_DIR: join(dir, 'proxy'),
    LLM_METER_PROXY_PORT: String(proxyPort),
    ...(settings.abortGraceMs === undefined
      ? {}
      : { LLM_METER_PROXY_ABORT_GRACE_MS: String(settings.abortGraceMs) }),
  };
  let restarts = 0;
  // A restart can meet the port still held, or OpenMeter down (the proxy then refuses to start):
  // tried again until it is up, for at most a minute.
  const startProxy = async () => {
    const started = performance.now();
    for (;;) {
      try {
        const child = await startChild({
          name: 'proxy',
          args: [proxyMain],
          cwd: join(root, 'apps/proxy'),
          env: proxyEnv,
          ready: /listening on/,
          log,
        });
        running.add(child);
        return child;
      } catch (error) {
        if (performance.now() - started > 60_000) throw error;
        log.write(`[chaos] proxy start failed, trying again: ${(error as Error).message}\n`);
        await sleep(250);
      }
    }
  };
  let proxy = await startProxy();
  const proxyUrl = `http://127.0.0.1:${proxyPort}/v1`;

  // The schedule of kills and the outage, beside the clients.
  const schedule = createChaosSchedule(settings);
  const startedAt = performance.now();
  const elapsed = () => ((performance.now() - startedAt) / 1000).toFixed(1);
  const at = async (ms: number) => {
    const wait = startedAt + ms - performance.now();
    if (wait > 0) await sleep(wait);
  };
  const downtimes: string[] = [];
  let outageMs = 0;
  // Kills and the outage each keep their own time, but never meet: the proxy does not start while
  // OpenMeter is unreachable, so on a slow machine a restart still under way when the outage is
  // due delays the outage, and a kill due while OpenMeter is down waits for it to be back.
  let proxyUp: Promise<unknown> = Promise.resolve();
  let openmeterUp: Promise<unknown> = Promise.resolve();
  const kills = (async () => {
    for (const killAt of schedule.killsAtMs) {
      await at(killAt);
      await openmeterUp;
      const killedAt = performance.now();
      proxy.child.kill('SIGKILL');
      await proxy.exited;
      running.delete(proxy);
      log.write(`[chaos] ${elapsed()} s: proxy killed (SIGKILL)\n`);
      const restarted = startProxy();
      proxyUp = restarted;
      proxy = await restarted;
      restarts += 1;
      downtimes.push(`${((performance.now() - killedAt) / 1000).toFixed(1)} s`);
      log.write(`[chaos] ${elapsed()} s: proxy restarted\n`);
    }
  })();
  const outage = (async () => {
    if (!schedule.outage) return;
    await at(schedule.outage.startMs);
    await proxyUp;
    let back: () => void = () => undefined;
    openmeterUp = new Promise<void>((resolve) => {
      back = resolve;
    });
    const stoppedAt = performance.now();
    openmeter.child.kill('SIGTERM');
    await openmeter.exited;
    running.delete(openmeter);
    log.write(`[chaos] ${elapsed()} s: openmeter-local stopped\n`);
    await sleep(
      Math.max(
        0,
        schedule.outage.endMs - schedule.outage.startMs - (performance.now() - stoppedAt),
      ),
    );
    openmeter = await startOpenMeter();
    outageMs = performance.now() - stoppedAt;
    back();
    log.write(`[chaos] ${elapsed()} s: openmeter-local started again\n`);
  })();

  const calls: ChaosCall[] = [];
  const endAt = startedAt + settings.seconds * 1000;
  const clients = clientKeys.map(async ({ key, subject }, index) => {
    const random = createSeededRandom({ seed: settings.seed * 1000 + index });
    const client = new OpenAI({
      apiKey: key,
      baseURL: proxyUrl,
      maxRetries: 0,
      // The undici package's fetch by default: see ChaosSettings.fetch for Node 20's own.
      ...(settings.fetch === 'undici' ? { fetch: undiciFetch as typeof fetch } : {}),
    });
    while (performance.now() < endAt) {
      const kind = chaosCallKinds[Math.floor(random() * chaosCallKinds.length)] ?? 'chat';
      const prompt = Array.from(
        { length: 4 + Math.floor(random() * 40) },
        () => words[Math.floor(random() * words.length)],
      ).join(' ');
      const call = await runChaosCall({
        client,
        clientIndex: index,
        subject,
        kind,
        prompt,
        maxTokens: 16 + Math.floor(random() * 48),
        abortAfter: settings.abortAfter,
        breakAfterAbort: settings.breakAfterAbort,
        hangMs: settings.hangMs,
      });
      calls.push(call);
      // The proxy is down (killed, restarting): no point in failing a thousand calls a second.
      if (call.outcome === 'failed') await sleep(50);
    }
  });
  await Promise.all([...clients, kills, outage]);
  const loadAtEnd = loadavg();
  log.write(`[chaos] ${elapsed()} s: clients done, ${calls.length} calls\n`);

  // Wait for the outbox to deliver: its backlog empty and OpenMeter's events unchanged between two
  // looks, a second apart.
  const openmeterClient = createOpenMeterClient({ baseUrl: openmeterUrl });
  const outboxPending = async () => {
    const response = await fetch(`http://127.0.0.1:${proxyPort}/metrics`);
    const match = /^llm_meter_proxy_outbox_pending (\d+)/m.exec(await response.text());
    return Number(match?.[1] ?? Number.NaN);
  };
  const deliveryStarted = performance.now();
  let events = await listAllEvents({ list: (query) => openmeterClient.events.list(query) });
  for (;;) {
    await sleep(1000);
    const backlog = await outboxPending();
    const again = await listAllEvents({ list: (query) => openmeterClient.events.list(query) });
    const stable = again.length === events.length;
    events = again;
    if (backlog === 0 && stable) break;
    if (performance.now() - deliveryStarted > settings.deliveryMs) {
      log.write(`[chaos] outbox still has ${backlog} events after ${settings.deliveryMs} ms\n`);
      break;
    }
  }
  const deliverySeconds = ((performance.now() - deliveryStarted) / 1000).toFixed(1);

  const ledger = (await readFile(join(dir, 'openai-local', 'openai-local-usage.jsonl'), 'utf8'))
    .split('\n')
    .filter((line) => line.includes('"input_tokens"'))
    .map((line) => JSON.parse(line) as LedgerEntry);
  const comparison = compareWithLedger({
    ledger,
    events: events.map((event) => ({
      id: event.id,
      subject: event.subject,
      time: new Date(event.time as string | Date).toISOString(),
      data: (event.data ?? {}) as Record<string, unknown>,
    })),
    calls,
  });
  const { table, failures } = formatChaosSummary({
    comparison,
    run: `${settings.seconds} s, ${settings.clients} clients, ${restarts} proxy SIGKILLs (down ${downtimes.join(', ') || '-'}), OpenMeter down ${(outageMs / 1000).toFixed(1)} s, openai-local at ${settings.tokensPerSecond} tokens/s, seed ${settings.seed}, clients on ${settings.fetch === 'undici' ? `undici ${undiciVersion}'s fetch` : `Node's fetch (undici ${process.versions.undici})`}; outbox delivered ${deliverySeconds} s after the clients; Node ${process.version}, load ${loadAtStart[0]?.toFixed(1)} → ${loadAtEnd[0]?.toFixed(1)}`,
  });
  // The evidence behind the table: every response that is not exact, every call that failed.
  await writeFile(
    join(dir, 'chaos-report.json'),
    JSON.stringify(
      {
        notExact: comparison.responses.filter((response) => !response.exact),
        unbilledEvents: comparison.unbilledEvents,
        calls: calls.filter((call) => call.outcome !== 'completed'),
      },
      null,
      2,
    ),
  );
  process.stdout.write(`${table}\n`);
  if (failures.length > 0) {
    process.stdout.write(
      `\n${failures.length} guarantee(s) broken:\n${failures.map((line) => `  ${line}`).join('\n')}\n`,
    );
    exitCode = 1;
  } else {
    process.stdout.write(
      '\nno hung client, nothing lost or double-counted, every completed response exact\n',
    );
    exitCode = 0;
  }
} catch (error) {
  process.stderr.write(`chaos: ${error instanceof Error ? error.message : String(error)}\n`);
  exitCode = 2;
} finally {
  for (const child of running) child.child.kill('SIGTERM');
  await Promise.all([...running].map((child) => child.exited));
  log.end();
  if (settings.keep || exitCode !== 0) process.stdout.write(`data and logs kept in ${dir}\n`);
  else await rm(dir, { recursive: true, force: true });
}
// A hung SDK call is left pending, not awaited: exit with the verdict.
process.exit(exitCode);
