import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createOpenMeterClient } from '@llm-meter/openmeter-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createUsageOutbox } from './create-usage-outbox.js';
import { startIngestTarget } from './testing/start-ingest-target.js';
import {
  createTestEvent,
  type FaultAnswer,
  startTestOpenMeter,
} from './testing/start-test-openmeter.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function openOutbox({ url, timeoutMs = 2000 }: { url: string; timeoutMs?: number }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-outbox-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const outbox = await createUsageOutbox({
    client: createOpenMeterClient({ baseUrl: url, retry: false, timeoutMs }),
    dir,
    batchSize: 100,
    flushIntervalMs: 5,
    retry: { initialDelayMs: 5, maxDelayMs: 40 },
    logger: false,
  });
  cleanups.push(() => outbox.close({ deadlineMs: 100 }));
  return outbox;
}

async function faultyServer(fault: (request: { index: number }) => FaultAnswer | undefined) {
  const times: number[] = [];
  const server = await startTestOpenMeter({
    fault: (request) => {
      times.push(performance.now());
      return fault(request);
    },
  });
  cleanups.push(() => server.close());
  return { server, times };
}

function enqueueMany(outbox: Awaited<ReturnType<typeof openOutbox>>, count: number) {
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
    const outbox = await openOutbox({ url: `http://127.0.0.1:${port}` });
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
    const result = await outbox.flush({ deadlineMs: 10_000 });
    expect(result.drained).toBe(true);
    expect(await openmeter.countEvents()).toBe(300);
    expect(await openmeter.totalTokens()).toBe(tokens);
  });

  it('honours Retry-After on 503', async () => {
    const { server, times } = await faultyServer(({ index }) =>
      index === 0 ? { status: 503, headers: { 'retry-after': '1' } } : undefined,
    );
    const outbox = await openOutbox({ url: server.url });
    const delays: number[] = [];
    outbox.on('retry', (notice) => delays.push(notice.delayMs));
    enqueueMany(outbox, 10);
    await outbox.flush({ deadlineMs: 5000 });
    expect(delays).toEqual([1000]);
    expect((times[1] as number) - (times[0] as number)).toBeGreaterThanOrEqual(990);
    expect(server.stored.size).toBe(10);
  });

  it('rides out a 429 storm with backoff and loses nothing', async () => {
    const { server } = await faultyServer(({ index }) =>
      index < 25 ? { status: 429 } : undefined,
    );
    const outbox = await openOutbox({ url: server.url });
    const tokens = enqueueMany(outbox, 1000);
    await outbox.flush({ deadlineMs: 10_000 });
    expect(server.stored.size).toBe(1000);
    expect(server.totalTokens()).toBe(tokens);
    expect(outbox.stats().retried).toBeGreaterThanOrEqual(25 * 100);
  });

  it('counts a batch retried after a client timeout once, thanks to dedup on source and id', async () => {
    // The first answer comes after the client gave up; the server still ingests it.
    const { server } = await faultyServer(({ index }) =>
      index === 0 ? { status: 204, delayMs: 400 } : undefined,
    );
    const outbox = await openOutbox({ url: server.url, timeoutMs: 150 });
    const errors: string[] = [];
    outbox.on('retry', (notice) => errors.push((notice.error as Error).name));
    const tokens = enqueueMany(outbox, 50);
    await outbox.flush({ deadlineMs: 5000 });
    // The late first answer still reaches the server: wait for it, not for a fixed time.
    for (let attempt = 0; attempt < 2000 && server.duplicates < 50; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(errors[0]).toBe('OpenMeterTimeoutError');
    expect(server.duplicates).toBe(50);
    expect(server.stored.size).toBe(50);
    expect(server.totalTokens()).toBe(tokens);
  });

  it('never dead-letters on 401/403: retries and reports an error', async () => {
    const { server } = await faultyServer(({ index }) =>
      index < 3 ? { status: index === 1 ? 403 : 401 } : undefined,
    );
    const outbox = await openOutbox({ url: server.url });
    const errors: string[] = [];
    outbox.on('error', (notice) => errors.push(notice.message));
    enqueueMany(outbox, 20);
    await outbox.flush({ deadlineMs: 5000 });
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/refused the API key \(HTTP 401\).*not dropped/);
    expect(outbox.stats()).toMatchObject({ delivered: 20, deadLettered: 0 });
    expect(server.stored.size).toBe(20);
  });
});
