import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createOpenMeterClient } from '@llm-meter/openmeter-client';
import { startOpenMeterLocal } from '@llm-meter/openmeter-local';
import { afterEach, describe, expect, it } from 'vitest';
import { createUsageOutbox } from './create-usage-outbox.js';
import type { OutboxIngestClient } from './outbox-event.js';
import { startIngestTarget } from './testing/start-ingest-target.js';
import {
  createTestEvent,
  type FaultAnswer,
  startTestOpenMeter,
} from './testing/start-test-openmeter.js';
import type { OutboxLogger, UsageOutbox } from './usage-outbox-types.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function openOutbox({
  url,
  apiKey,
  client = createOpenMeterClient({ baseUrl: url, retry: false, apiKey }),
  logger = false,
  memory = false,
}: {
  url: string;
  apiKey?: string;
  /** Default: a client with its default timeout, so a slow answer is no timeout. */
  client?: OutboxIngestClient;
  logger?: OutboxLogger | false;
  /** No `dir`: the memory mode. */
  memory?: boolean;
}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-outbox-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const outbox = await createUsageOutbox({
    client,
    dir: memory ? undefined : dir,
    batchSize: 100,
    flushIntervalMs: 5,
    retry: { initialDelayMs: 5, maxDelayMs: 40 },
    logger,
  });
  cleanups.push(() => outbox.close({ deadlineMs: 100 }));
  return { outbox, dir };
}

/** A logger that keeps every line, for tests that read what the outbox said. */
function recordLogger() {
  const lines: Array<{ level: 'warn' | 'error'; message: string }> = [];
  const logger: OutboxLogger = {
    warn: (message) => lines.push({ level: 'warn', message }),
    error: (message) => lines.push({ level: 'error', message }),
  };
  return { lines, logger };
}

/** Resolves at the outbox's next `error` notice. */
function nextError(outbox: UsageOutbox): Promise<string> {
  return new Promise((resolve) => {
    const unsubscribe = outbox.on('error', (notice) => {
      unsubscribe();
      resolve(notice.message);
    });
  });
}

async function faultyServer(fault: (request: { index: number }) => FaultAnswer | undefined) {
  const server = await startTestOpenMeter({ fault });
  cleanups.push(() => server.close());
  return { server };
}

function enqueueMany(outbox: UsageOutbox, count: number) {
  let tokens = 0;
  for (let index = 0; index < count; index++) {
    const event = createTestEvent({ index, tokens: (index % 7) + 1 });
    tokens += event.data.total_tokens;
    outbox.enqueue(event);
  }
  return tokens;
}

async function findFreePort() {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('delivery under faults', () => {
  it('keeps retrying while OpenMeter is down, and delivers everything once it is up on the same port', async () => {
    const port = await findFreePort();
    const { outbox } = await openOutbox({ url: `http://127.0.0.1:${port}` });
    const retries: string[] = [];
    outbox.on('retry', (notice) => retries.push((notice.error as Error).name));
    const tokens = enqueueMany(outbox, 300);
    // Wait for the retries themselves, not for an amount of time: a loaded machine is slower.
    await new Promise<void>((resolve) => {
      const unsubscribe = outbox.on('retry', () => {
        if (retries.length >= 3) {
          unsubscribe();
          resolve();
        }
      });
    });
    expect(outbox.stats().pending).toBe(300);
    expect(retries.length).toBeGreaterThanOrEqual(3);
    expect(retries[0]).toBe('OpenMeterConnectionError');
    const openmeter = await startIngestTarget({ port });
    cleanups.push(() => openmeter.close());
    const result = await outbox.flush();
    expect(result.drained).toBe(true);
    expect(await openmeter.countEvents()).toBe(300);
    expect(await openmeter.totalTokens()).toBe(tokens);
  });

  it('honours Retry-After on 503', async () => {
    // What happened, in order: no clock, so no assertion on how long the pause took.
    const log: string[] = [];
    const { server } = await faultyServer(({ index }) => {
      log.push(`request ${index}`);
      return index === 0 ? { status: 503, headers: { 'retry-after': '1' } } : undefined;
    });
    const { outbox } = await openOutbox({ url: server.url });
    outbox.on('retry', (notice) => log.push(`retry after ${notice.delayMs} ms`));
    enqueueMany(outbox, 10);
    expect((await outbox.flush()).drained).toBe(true);
    expect(log).toEqual(['request 0', 'retry after 1000 ms', 'request 1']);
    expect(server.stored.size).toBe(10);
  });

  it('rides out a 429 storm with backoff and loses nothing', async () => {
    const { server } = await faultyServer(({ index }) =>
      index < 25 ? { status: 429 } : undefined,
    );
    const { outbox } = await openOutbox({ url: server.url });
    const tokens = enqueueMany(outbox, 1000);
    expect((await outbox.flush()).drained).toBe(true);
    expect(server.stored.size).toBe(1000);
    expect(server.totalTokens()).toBe(tokens);
    expect(outbox.stats().retried).toBeGreaterThanOrEqual(25 * 100);
  });

  it('counts a batch retried after a client timeout once, thanks to dedup on source and id', async () => {
    // The server holds the first answer until the outbox has given up on it (the retry notice),
    // then still ingests it: a timeout guaranteed by events, not by a race between two delays.
    let releaseFirst: () => void = () => {};
    const firstReleased = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    const { server } = await faultyServer(({ index }) =>
      index === 0 ? { status: 204, release: firstReleased } : undefined,
    );
    // Only the first request has a short timeout; the retry gets the default one, so a slow
    // answer on a loaded machine is not a second timeout.
    const impatient = createOpenMeterClient({ baseUrl: server.url, retry: false, timeoutMs: 150 });
    const patient = createOpenMeterClient({ baseUrl: server.url, retry: false });
    let calls = 0;
    const client: OutboxIngestClient = {
      events: {
        ingest: (events, options) =>
          (calls++ === 0 ? impatient : patient).events.ingest(events, options),
      },
    };
    const { outbox } = await openOutbox({ url: server.url, client });
    const errors: string[] = [];
    outbox.on('retry', (notice) => {
      errors.push((notice.error as Error).name);
      releaseFirst();
    });
    const tokens = enqueueMany(outbox, 50);
    expect((await outbox.flush()).drained).toBe(true);
    // The late first answer still reaches the server: wait until it has been handled.
    await server.idle();
    expect(errors).toEqual(['OpenMeterTimeoutError']);
    expect(server.duplicates).toBe(50);
    expect(server.stored.size).toBe(50);
    expect(server.totalTokens()).toBe(tokens);
  });

  it('never dead-letters on 401/403: retries and reports an error', async () => {
    const { server } = await faultyServer(({ index }) =>
      index < 3 ? { status: index === 1 ? 403 : 401 } : undefined,
    );
    const { outbox } = await openOutbox({ url: server.url, apiKey: 'om_wrong_key' });
    const errors: string[] = [];
    outbox.on('error', (notice) => errors.push(notice.message));
    enqueueMany(outbox, 20);
    expect((await outbox.flush()).drained).toBe(true);
    expect(errors).toHaveLength(3);
    expect(errors[0]).toBe(
      'OpenMeter refused the API key (HTTP 401): check the key and its permissions. 20 events are held and retried, not dropped; usage keeps accumulating in the outbox (maxPending 100000).',
    );
    expect(outbox.stats()).toMatchObject({ delivered: 20, deadLettered: 0 });
    expect(server.stored.size).toBe(20);
  });

  // `close({ deadlineMs: 0 })` closes at once, without waiting for a delivery that cannot happen:
  // what is left is then exactly what was enqueued, whatever the machine's speed.
  it('says the key is missing, not refused, when OpenMeter wants one and none was set; close says what stays journaled and where', async () => {
    const openmeter = await startOpenMeterLocal({ apiKey: 'om_local_secret' });
    cleanups.push(() => openmeter.close());
    const { lines, logger } = recordLogger();
    const { outbox, dir } = await openOutbox({ url: openmeter.url, logger });
    const error = nextError(outbox);
    outbox.enqueue(createTestEvent({ index: 1 }));
    expect(await error).toBe(
      'OpenMeter requires an API key (HTTP 401) and none was set: pass apiKey to createOpenMeterClient (e.g. from OPENMETER_API_KEY). 1 event is held and retried, not dropped; usage keeps accumulating in the outbox (maxPending 100000).',
    );
    expect(await outbox.close({ deadlineMs: 0 })).toMatchObject({ drained: false, pending: 1 });
    expect(lines.at(-1)).toEqual({
      level: 'warn',
      message: `Closed with 1 event undelivered: it stays journaled in ${dir} and is sent by the next outbox opened on that directory.`,
    });
  });

  it('close with OpenMeter unreachable says how many events and open streams stay journaled, and where', async () => {
    const port = await findFreePort();
    const { lines, logger } = recordLogger();
    const { outbox, dir } = await openOutbox({ url: `http://127.0.0.1:${port}`, logger });
    enqueueMany(outbox, 2);
    outbox.openStream(createTestEvent({ index: 3 }));
    expect(await outbox.close({ deadlineMs: 0 })).toMatchObject({ pending: 2, openStreams: 1 });
    expect(lines.filter((line) => line.message.startsWith('Closed'))).toEqual([
      {
        level: 'warn',
        message: `Closed with 2 events and the crash event of 1 open stream undelivered: they stay journaled in ${dir} and are sent by the next outbox opened on that directory.`,
      },
    ]);

    const memory = recordLogger();
    const { outbox: inMemory } = await openOutbox({
      url: `http://127.0.0.1:${port}`,
      logger: memory.logger,
      memory: true,
    });
    inMemory.enqueue(createTestEvent({ index: 4 }));
    await inMemory.close({ deadlineMs: 0 });
    expect(memory.lines.filter((line) => line.message.startsWith('Closed'))).toEqual([
      {
        level: 'warn',
        message:
          'Closed with 1 event undelivered in a memory-mode outbox: it is lost. Use a `dir` to keep it across restarts.',
      },
    ]);
  });
});
