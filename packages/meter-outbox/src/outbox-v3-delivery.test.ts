import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createOpenMeterV3Client } from '@llm-meter/openmeter-client/v3';
import { type OpenMeterLocal, startOpenMeterLocal } from '@llm-meter/openmeter-local';
import { afterEach, describe, expect, it } from 'vitest';
import { createUsageOutbox } from './create-usage-outbox.js';
import { createTestEvent } from './testing/start-test-openmeter.js';

// The outbox delivering through OpenMeter's v3 API (`POST /api/v3/openmeter/events`, 202) to a
// real openmeter-local, with faults injected in front of it by the client's `fetch`: the same
// retry and dead-letter classification as on v1, and no event stored twice.
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Fault = (request: {
  index: number;
  ids: string[];
}) =>
  | { status: number; headers?: Record<string, string>; body?: unknown; afterStoring?: boolean }
  | undefined;

async function start({ dbPath, port }: { dbPath?: string; port?: number } = {}) {
  const server = await startOpenMeterLocal({ dbPath, port });
  cleanups.push(() => server.close());
  return server;
}

/** A `fetch` that answers scripted faults for ingest requests, or passes them to the server. */
function faultyFetch(fault: Fault): typeof fetch {
  let index = 0;
  return async (input, init) => {
    const request = new Request(input, init);
    if (request.method !== 'POST') return fetch(request);
    const body = await request.clone().text();
    const parsed = JSON.parse(body) as { id: string } | Array<{ id: string }>;
    const ids = (Array.isArray(parsed) ? parsed : [parsed]).map((event) => event.id);
    const answer = fault({ index: index++, ids });
    if (!answer) return fetch(request);
    // A lost answer: the server stored the batch, the client sees a failure and sends it again.
    if (answer.afterStoring) expect((await fetch(request)).status).toBe(202);
    return new Response(JSON.stringify(answer.body ?? { title: 'fault', status: answer.status }), {
      status: answer.status,
      headers: { 'content-type': 'application/problem+json', ...answer.headers },
    });
  };
}

async function openOutbox({
  baseUrl,
  fetch: fetchImpl,
}: {
  baseUrl: string;
  fetch?: typeof fetch;
}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-outbox-v3-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const client = createOpenMeterV3Client({ baseUrl, retry: false, fetch: fetchImpl });
  const outbox = await createUsageOutbox({
    client,
    dir,
    batchSize: 50,
    flushIntervalMs: 5,
    retry: { initialDelayMs: 5, maxDelayMs: 40, maxRetryAfterMs: 50 },
    logger: false,
  });
  cleanups.push(() => outbox.close({ deadlineMs: 100 }));
  return outbox;
}

/** Every event openmeter-local stored, read back through the v3 listing (cursor paging). */
async function listStored(server: OpenMeterLocal) {
  const client = createOpenMeterV3Client({ baseUrl: `${server.url}/api/v3` });
  const ids: string[] = [];
  let tokens = 0;
  let after: string | undefined;
  for (;;) {
    const page = await client.events.list({ page: { size: 1000, ...(after ? { after } : {}) } });
    for (const stored of page.data) {
      ids.push(stored.event.id);
      tokens += Number((stored.event.data as { total_tokens: number }).total_tokens);
    }
    const next = page.meta.page.next;
    if (!next) return { ids, tokens };
    after = new URL(next, server.url).searchParams.get('page[after]') ?? undefined;
  }
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

describe('delivery through v3', () => {
  it('retries 429 (Retry-After) and 503, also after a batch was stored, and stores every event once', async () => {
    const server = await start();
    const outbox = await openOutbox({
      baseUrl: `${server.url}/api/v3`,
      fetch: faultyFetch(({ index }) => {
        if (index === 0) return { status: 429, headers: { 'retry-after': '0' } };
        if (index === 1) return { status: 503 };
        if (index === 2) return { status: 503, afterStoring: true };
        return undefined;
      }),
    });
    const retried: number[] = [];
    outbox.on('retry', (notice) => retried.push((notice.error as { status: number }).status));
    const tokens = enqueueMany(outbox, 120);
    expect((await outbox.flush()).drained).toBe(true);
    // Two batches are in flight at once: the order of their answers is not fixed.
    expect(retried.sort()).toEqual([429, 503, 503]);
    const stored = await listStored(server);
    expect(stored.ids).toHaveLength(120);
    expect(new Set(stored.ids).size).toBe(120);
    expect(stored.tokens).toBe(tokens);
    expect(outbox.stats()).toMatchObject({ delivered: 120, deadLettered: 0 });
  });

  it('dead-letters the one event v3 refuses with 400 invalid_parameters, delivers the rest', async () => {
    const server = await start();
    const poison = 'event-17';
    const outbox = await openOutbox({
      baseUrl: `${server.url}/api/v3`,
      fetch: faultyFetch(({ ids }) =>
        ids.includes(poison)
          ? {
              status: 400,
              body: {
                status: 400,
                title: 'Bad Request',
                detail: 'Invalid event',
                instance: 'kong:trace:1',
                invalid_parameters: [{ field: 'data', reason: 'refused', source: 'body' }],
              },
            }
          : undefined,
      ),
    });
    enqueueMany(outbox, 40);
    expect((await outbox.flush()).drained).toBe(true);
    expect(outbox.stats()).toMatchObject({ delivered: 39, deadLettered: 1 });
    const stored = await listStored(server);
    expect(stored.ids).toHaveLength(39);
    expect(stored.ids).not.toContain(poison);
  });

  it('keeps events while openmeter-local is down and delivers them once after it restarts on the same database', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeter-v3-restart-'));
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const dbPath = path.join(dataDir, 'openmeter.db');
    const first = await start({ dbPath });
    const { port } = first;
    const outbox = await openOutbox({ baseUrl: `${first.url}/api/v3` });
    const tokens = enqueueMany(outbox, 60);
    expect((await outbox.flush()).drained).toBe(true);
    await first.close();
    const retried: string[] = [];
    const refused = new Promise<void>((resolve) => {
      outbox.on('retry', (notice) => {
        retried.push((notice.error as Error).name);
        resolve();
      });
    });
    for (let index = 60; index < 90; index++) outbox.enqueue(createTestEvent({ index, tokens: 2 }));
    await refused;
    expect(retried[0]).toBe('OpenMeterConnectionError');
    expect(outbox.stats().pending).toBe(30);
    const second = await start({ dbPath, port });
    expect((await outbox.flush()).drained).toBe(true);
    const stored = await listStored(second);
    expect(stored.ids).toHaveLength(90);
    expect(stored.tokens).toBe(tokens + 60);
  });
});
