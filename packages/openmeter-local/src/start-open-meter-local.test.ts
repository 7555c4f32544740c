import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMeterMeters } from '@llm-meter/meter-core';
import { createOpenMeterClient } from '@llm-meter/openmeter-client';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { OpenMeterLocalDatabaseError } from './open-meter-local-database-error.js';
import { createOpenMeterLocal, startOpenMeterLocal } from './start-open-meter-local.js';
import { OpenMeterStore } from './storage/open-meter-store.js';
import {
  createPromptEvent,
  startTestServer,
  TEST_METERS_FILE,
  type TestServer,
} from './test-server.js';

let current: TestServer | undefined;

/** Runs `testing/start-on-go.ts` on `dbPath`: it starts openmeter-local when told to on stdin. */
function startChild(dbPath: string) {
  const child = spawn(
    process.execPath,
    ['--conditions=@llm-meter/source', '--import', 'tsx', 'src/testing/start-on-go.ts', dbPath],
    { cwd: new URL('..', import.meta.url), stdio: ['pipe', 'pipe', 'inherit'] },
  );
  let output = '';
  const listeners = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  });
  // 'close', not 'exit': the last line may still be in the pipe when the process exits.
  const closed = new Promise<string>((resolve) => child.once('close', () => resolve(output)));
  return {
    process: child,
    closed,
    /** Resolves once a line matches; rejects if the child ends first. */
    line(pattern: RegExp): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (output.split('\n').some((line) => pattern.test(line))) {
            listeners.delete(check);
            resolve();
          }
        };
        listeners.add(check);
        check();
        void closed.then(() => reject(new Error(`the child ended without ${pattern}: ${output}`)));
      });
    },
  };
}
afterEach(async () => {
  await current?.server.close();
  current = undefined;
});

describe('startOpenMeterLocal', () => {
  it('serves the metering loop: ingest, then query by subject and model', async () => {
    current = await startTestServer();
    const { client, server } = current;
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await client.events.ingest([
      createPromptEvent({
        id: 'a',
        subject: 'customer-1',
        data: { tokens: 10, model: 'gpt-4o', type: 'input' },
      }),
      createPromptEvent({
        id: 'b',
        subject: 'customer-1',
        data: { tokens: '5', model: 'gpt-4o', type: 'output' },
      }),
      createPromptEvent({
        id: 'c',
        subject: 'customer-2',
        data: { tokens: 7, model: 'o3', type: 'input' },
      }),
    ]);
    const result = await client.meters.query('tokens_total', {
      from: '2025-01-15T00:00:00Z',
      to: '2025-01-16T00:00:00Z',
      windowSize: 'DAY',
      groupBy: ['subject', 'model'],
    });
    expect(result).toMatchInlineSnapshot(`
      {
        "data": [
          {
            "groupBy": {
              "model": "gpt-4o",
            },
            "subject": "customer-1",
            "value": 15,
            "windowEnd": "2025-01-16T00:00:00Z",
            "windowStart": "2025-01-15T00:00:00Z",
          },
          {
            "groupBy": {
              "model": "o3",
            },
            "subject": "customer-2",
            "value": 7,
            "windowEnd": "2025-01-16T00:00:00Z",
            "windowStart": "2025-01-15T00:00:00Z",
          },
        ],
        "from": "2025-01-15T00:00:00Z",
        "to": "2025-01-16T00:00:00Z",
        "windowSize": "DAY",
      }
    `);
  });

  it('starts with the meters it is given and none by default, warning about it', async () => {
    const warnings: string[] = [];
    const logger = {
      debug: () => undefined,
      info: () => undefined,
      warn: (message: string) => warnings.push(message),
      error: () => undefined,
    };
    const bare = await startOpenMeterLocal({ logger });
    try {
      expect(await (await fetch(`${bare.url}/api/v1/meters`)).json()).toEqual([]);
      expect(warnings).toEqual([expect.stringContaining('has no meters')]);
    } finally {
      await bare.close();
    }
    const given = await startOpenMeterLocal({
      meters: [{ slug: 'calls', eventType: 'prompt', aggregation: 'COUNT' }],
      metersFile: TEST_METERS_FILE,
    });
    try {
      const meters = await (await fetch(`${given.url}/api/v1/meters`)).json();
      expect(meters.map((meter: { slug: string }) => meter.slug)).toEqual([
        'calls',
        'requests_total',
        'tokens_total',
      ]);
    } finally {
      await given.close();
    }
  });

  it("serves the same app in process through fetch, usable as the client's fetch", async () => {
    const local = createOpenMeterLocal({ metersFile: TEST_METERS_FILE, apiKey: 'in-process' });
    try {
      const client = createOpenMeterClient({
        baseUrl: 'http://openmeter-local.invalid',
        apiKey: 'in-process',
        retry: false,
        fetch: local.fetch,
      });
      await client.events.ingest(createPromptEvent({ id: 'in-process-1' }));
      const result = await client.meters.query('tokens_total', {});
      expect(result.data.map((row) => row.value)).toEqual([10]);
      const refused = await local.fetch(new Request('http://x/api/v1/meters'));
      expect(refused.status).toBe(401);
      expect(refused.headers.get('content-type')).toBe('application/problem+json');
    } finally {
      await local.close();
    }
  });

  it('refuses a missing or invalid meters file with a message naming the problem', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'openmeter-local-meters-'));
    try {
      await expect(
        startOpenMeterLocal({ metersFile: join(directory, 'none.yaml') }),
      ).rejects.toThrow(/Cannot read the meters file .*none\.yaml/);
      const invalid = join(directory, 'invalid.yaml');
      writeFileSync(
        invalid,
        'meters:\n  - slug: Bad-Slug\n    eventType: x\n    aggregation: SUM\n',
      );
      await expect(startOpenMeterLocal({ metersFile: invalid })).rejects.toThrow(
        /meters\[0\] \(Bad-Slug\): slug must be .*; valueProperty is required for SUM/,
      );
      await expect(
        startOpenMeterLocal({
          meters: [
            { slug: 'twice', eventType: 'x', aggregation: 'COUNT' },
            { slug: 'twice', eventType: 'y', aggregation: 'COUNT' },
          ],
        }),
      ).rejects.toThrow('Meter slug twice is defined twice');
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('refuses a database it cannot open with an OpenMeterLocalDatabaseError naming the path', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'openmeter-local-db-'));
    try {
      const notADatabase = join(directory, 'notes.txt');
      writeFileSync(notADatabase, 'not SQLite');
      for (const dbPath of [directory, join(notADatabase, 'x.db'), notADatabase]) {
        const error = await startOpenMeterLocal({ dbPath }).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(OpenMeterLocalDatabaseError);
        expect((error as OpenMeterLocalDatabaseError).dbPath).toBe(dbPath);
        expect((error as Error).message).toMatch(/^Cannot open the database /);
        expect((error as Error).cause).toBeInstanceOf(Error);
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('answers 413 to a chunked body once it passes the limit, and stores nothing', async () => {
    current = await startTestServer({ maxBodyBytes: 4096 });
    const { port } = current.server;
    const status = await new Promise<number>((resolve, reject) => {
      const outgoing = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/api/v1/events',
          headers: { 'content-type': 'application/json' },
        },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      // The server may close the socket while the rest of the body is still being written;
      // what matters is the answer it sent first.
      outgoing.on('error', () => undefined);
      // No timer: a connection closed without an answer fails the test at once.
      outgoing.on('close', () => reject(new Error('no answer to the oversized request')));
      outgoing.write('[');
      for (let index = 0; index < 100; index++) {
        outgoing.write(`${JSON.stringify(createPromptEvent({ id: `chunk-${index}` }))},`);
      }
      outgoing.end(`${JSON.stringify(createPromptEvent({ id: 'last' }))}]`);
    });
    expect(status).toBe(413);
    expect(await current.client.events.list({ from: '2020-01-01T00:00:00Z' })).toEqual([]);
  });

  it('starts twice at once on one fresh database: both start, each meter exists once', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'openmeter-local-concurrent-'));
    try {
      // A few rounds: the two starts interleave differently each time.
      for (let round = 0; round < 3; round++) {
        const dbPath = join(directory, `round-${round}.db`);
        const children = [startChild(dbPath), startChild(dbPath)];
        await Promise.all(children.map((child) => child.line(/^ready$/)));
        for (const child of children) child.process.stdin.write('go\n');
        const outcomes = await Promise.all(children.map((child) => child.closed));
        expect(outcomes, `round ${round}`).toEqual(['ready\nstarted\n', 'ready\nstarted\n']);
        const store = new OpenMeterStore({ dbPath });
        try {
          const slugs = store.listMeters({ includeDeleted: true }).map((meter) => meter.slug);
          expect(slugs.sort()).toEqual(openMeterMeters.map((meter) => meter.slug).sort());
        } finally {
          store.close();
        }
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }, 600_000); // six child processes that load TypeScript: minutes on a busy 2-core machine

  it('says in one line that another process holds the database when its lock outlasts the busy timeout', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'openmeter-local-busy-'));
    const dbPath = join(directory, 'busy.db');
    new OpenMeterStore({ dbPath }).close();
    // Another writer holds the write lock for as long as the test wants: no clock involved.
    const holder = new BetterSqlite3(dbPath);
    holder.exec('BEGIN IMMEDIATE');
    try {
      await expect(
        startOpenMeterLocal({
          dbPath,
          meters: [{ slug: 'calls', eventType: 'x', aggregation: 'COUNT' }],
        }),
      ).rejects.toThrow(
        /^Cannot start on the database .*busy\.db: another process kept it locked for writing for more than 5 s .*; start again once it is done, or use another --db/,
      );
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('answers HEAD like GET without a body', async () => {
    current = await startTestServer();
    const response = await fetch(`${current.server.url}/api/v1/meters`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });
  it('reads time from its now option: ingestion, events without time, default ranges, ids', async () => {
    const clock = '2024-05-01T12:00:00.000Z';
    current = await startTestServer({ now: () => new Date(clock) });
    // Sent as is: the client would fill in a time of its own.
    const { time: _time, ...withoutTime } = createPromptEvent({ id: 'clocked' });
    const ingested = await current.request('/api/v1/events', {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify(withoutTime),
    });
    expect(ingested.status).toBe(204);
    // No `from`: the default window ends at the injected now, so the event is in it.
    const [listed] = await current.client.events.list();
    expect(listed?.event.time).toBe(clock);
    expect(listed?.ingestedAt).toBe(clock);
    const feature = await current.client.raw.POST('/api/v1/features', {
      body: { key: 'clocked_tokens', name: 'Clocked tokens', meterSlug: 'tokens_total' },
    });
    expect(feature.data?.createdAt).toBe(clock);
  });
});
