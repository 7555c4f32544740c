import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createOpenMeterClient } from '@llm-meter/openmeter-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createUsageOutbox } from './create-usage-outbox.js';
import {
  InvalidUsageEventError,
  OutboxClosedError,
  OutboxFullError,
  OutboxLockedError,
} from './errors.js';
import { startIngestTarget } from './testing/start-ingest-target.js';
import { createTestEvent, startTestOpenMeter } from './testing/start-test-openmeter.js';
import type { UsageOutboxOptions } from './usage-outbox-types.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function temporaryDirectory() {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-outbox-'));
  cleanups.push(() => fs.rmSync(directory, { recursive: true, force: true }));
  return directory;
}

async function setup(
  options: Partial<UsageOutboxOptions> & {
    serverOptions?: Parameters<typeof startTestOpenMeter>[0];
  } = {},
) {
  const server = await startTestOpenMeter(options.serverOptions);
  cleanups.push(() => server.close());
  // The client's default timeout: a short one would turn a slow answer on a loaded machine into
  // retries, and requests the tests count.
  const client = createOpenMeterClient({ baseUrl: server.url, retry: false });
  const dir = 'dir' in options ? options.dir : temporaryDirectory();
  const outbox = await createUsageOutbox({
    client,
    dir,
    flushIntervalMs: 10,
    retry: { initialDelayMs: 5, maxDelayMs: 50 },
    logger: false,
    ...options,
  });
  cleanups.push(async () => {
    await outbox.close({ deadlineMs: 100 });
  });
  return { server, client, outbox, dir };
}

describe('createUsageOutbox', () => {
  it('delivers enqueued events in batches and acknowledges them', async () => {
    const { server, outbox, dir } = await setup({ batchSize: 50 });
    for (let index = 0; index < 200; index++) outbox.enqueue(createTestEvent({ index }));
    expect(outbox.stats().pending).toBe(200);
    // No deadline: flush resolves when every event is settled, however slow the machine.
    const result = await outbox.flush();
    expect(result).toEqual({ drained: true, pending: 0, openStreams: 0 });
    expect(server.stored.size).toBe(200);
    expect(server.totalTokens()).toBe(2000);
    expect(server.requestCount).toBeLessThanOrEqual(8);
    expect(outbox.stats()).toMatchObject({
      enqueued: 200,
      delivered: 200,
      pending: 0,
      deadLettered: 0,
    });
    await outbox.close();
    // Everything acknowledged: reopening sends nothing again.
    const reopened = await createUsageOutbox({
      client: { events: { ingest: async () => {} } },
      dir,
      logger: false,
    });
    expect(reopened.stats().pending).toBe(0);
    await reopened.close();
  });

  it.each(['fsync-each', 'group', 'os'] as const)(
    "journals and recovers with durability '%s'",
    async (durability) => {
      const dir = temporaryDirectory();
      const stuck = { events: { ingest: () => new Promise<void>(() => {}) } };
      const first = await createUsageOutbox({ client: stuck, dir, durability, logger: false });
      for (let index = 0; index < 20; index++) first.enqueue(createTestEvent({ index }));
      await first.close({ deadlineMs: 0 });
      const { server, outbox } = await setup({ dir, durability });
      expect(outbox.stats().recovered).toBe(20);
      expect((await outbox.flush()).drained).toBe(true);
      expect(server.stored.size).toBe(20);
    },
  );

  it('refuses an event without a required attribute, naming the field, before journaling', async () => {
    const { outbox } = await setup();
    const { subject: _subject, ...withoutSubject } = createTestEvent({ index: 1 });
    expect(() => outbox.enqueue(withoutSubject as never)).toThrow(InvalidUsageEventError);
    expect(() => outbox.enqueue({ ...createTestEvent({ index: 1 }), id: '' })).toThrow(
      /id must be a non-empty string/,
    );
    // One envelope validation with the client: a time OpenMeter would refuse never gets in.
    expect(() => outbox.enqueue({ ...createTestEvent({ index: 2 }), time: 'Jan 1 2024' })).toThrow(
      /"Jan 1 2024" is not an RFC 3339 date-time/,
    );
    expect(outbox.stats().pending).toBe(0);
  });

  it('reports backpressure at maxPending with OutboxFullError and never drops silently', async () => {
    const { outbox } = await setup({
      client: { events: { ingest: () => new Promise(() => {}) } },
      maxPending: 3,
    });
    outbox.enqueue(createTestEvent({ index: 1 }));
    outbox.enqueue(createTestEvent({ index: 2 }));
    outbox.enqueue(createTestEvent({ index: 3 }));
    expect(() => outbox.enqueue(createTestEvent({ index: 4 }))).toThrow(OutboxFullError);
    expect(outbox.stats().pending).toBe(3);
  });

  it('refuses a second outbox on a locked directory with a clear error', async () => {
    const { dir } = await setup();
    await expect(
      createUsageOutbox({ client: { events: { ingest: async () => {} } }, dir, logger: false }),
    ).rejects.toThrow(OutboxLockedError);
    await expect(
      createUsageOutbox({ client: { events: { ingest: async () => {} } }, dir, logger: false }),
    ).rejects.toThrow(/locked by process \d+/);
  });

  it('refuses nonsensical sizes with a RangeError naming the option', async () => {
    await expect(
      createUsageOutbox({ client: { events: { ingest: async () => {} } }, batchSize: 0 }),
    ).rejects.toThrow(/batchSize must be a positive integer, got 0/);
  });

  it('rejects enqueue after close', async () => {
    const { outbox } = await setup();
    await outbox.close();
    expect(() => outbox.enqueue(createTestEvent({ index: 1 }))).toThrow(OutboxClosedError);
  });

  it('works in memory mode without a directory', async () => {
    const { server, outbox } = await setup({ dir: undefined });
    expect(outbox.deadLetterFile).toBeUndefined();
    for (let index = 0; index < 20; index++) outbox.enqueue(createTestEvent({ index }));
    expect((await outbox.flush()).drained).toBe(true);
    expect(server.stored.size).toBe(20);
  });

  it('keeps undelivered events journaled at close and sends them on the next start', async () => {
    const dir = temporaryDirectory();
    const first = await createUsageOutbox({
      client: {
        events: {
          ingest: () => Promise.reject(Object.assign(new Error('down'), { isRetryable: true })),
        },
      },
      dir,
      logger: false,
      flushIntervalMs: 5,
      retry: { initialDelayMs: 5, maxDelayMs: 20 },
    });
    for (let index = 0; index < 10; index++) first.enqueue(createTestEvent({ index }));
    const closed = await first.close({ deadlineMs: 100 });
    expect(closed).toEqual({ drained: false, pending: 10, openStreams: 0 });
    const { server, outbox } = await setup({ dir });
    expect(outbox.stats()).toMatchObject({ recovered: 10, pending: 10 });
    expect((await outbox.flush()).drained).toBe(true);
    expect(server.stored.size).toBe(10);
  });

  it('bisects a batch to dead-letter every poison event and deliver the rest', async () => {
    const { server, outbox, dir } = await setup({ batchSize: 100 });
    const deadLetters: unknown[] = [];
    outbox.on('dead-letter', (notice) => deadLetters.push(notice.event.id));
    const poisoned = new Set([0, 41, 42, 63]);
    for (let index = 0; index < 64; index++) {
      const event = createTestEvent({ index, tokens: 3 });
      // A non-numeric total is refused by the server (400) and dead-lettered.
      if (index === 41) outbox.enqueue({ ...event, data: { ...event.data, total_tokens: 'none' } });
      else if (poisoned.has(index))
        outbox.enqueue({ ...event, data: { ...event.data, total_tokens: 'many' } });
      else outbox.enqueue(event);
    }
    // Wait for the bisection itself, not for an amount of time: flush resolves once every event
    // is delivered or dead-lettered, however many rounds that takes on a loaded machine.
    expect((await outbox.flush()).drained).toBe(true);
    expect(deadLetters.sort()).toEqual(['event-0', 'event-41', 'event-42', 'event-63']);
    expect(server.stored.size).toBe(60);
    expect(server.totalTokens()).toBe(180);
    expect(outbox.stats()).toMatchObject({ delivered: 60, deadLettered: 4, pending: 0 });
    const lines = fs
      .readFileSync(path.join(dir as string, 'dead-letter.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(lines).toHaveLength(4);
    expect(lines.map((line) => JSON.parse(line).event.id).sort()).toEqual(deadLetters);
  });

  it.each([{ mode: 'disk' }, { mode: 'memory' }])(
    'refuses an event that is not JSON-serializable ($mode)',
    async ({ mode }) => {
      const { outbox } = await setup(mode === 'memory' ? { dir: undefined } : {});
      const event = createTestEvent({ index: 1 });
      expect(() =>
        outbox.enqueue({ ...event, data: { ...event.data, total_tokens: 10n } }),
      ).toThrow(/not JSON-serializable/);
      expect(outbox.stats().pending).toBe(0);
    },
  );

  it('reports the age of the oldest pending event', async () => {
    let clock = 1_000_000;
    const { outbox } = await setup({
      client: { events: { ingest: () => new Promise(() => {}) } },
      now: () => new Date(clock),
    });
    expect(outbox.stats().oldestPendingAgeMs).toBe(0);
    outbox.enqueue(createTestEvent({ index: 1 }));
    clock += 1500;
    outbox.enqueue(createTestEvent({ index: 2 }));
    clock += 500;
    expect(outbox.stats()).toMatchObject({ pending: 2, oldestPendingAgeMs: 2000 });
  });

  it('dead-letters what openmeter-local answers 400, with its problem details, and delivers the rest', async () => {
    const openmeter = await startIngestTarget();
    cleanups.push(() => openmeter.close());
    const dir = temporaryDirectory();
    const outbox = await createUsageOutbox({
      client: createOpenMeterClient({ baseUrl: openmeter.url, retry: false }),
      dir,
      batchSize: 100,
      flushIntervalMs: 5,
      logger: false,
    });
    cleanups.push(async () => void (await outbox.close({ deadlineMs: 100 })));
    let tokens = 0;
    for (let index = 0; index < 100; index++) {
      const event = createTestEvent({ index, tokens: index + 1 });
      // A lone surrogate passes the envelope checks of the outbox and the client, but
      // openmeter-local refuses it (it could not store the text as sent).
      if (index === 37) outbox.enqueue({ ...event, data: { ...event.data, note: 'bad \uD800' } });
      else {
        tokens += index + 1;
        outbox.enqueue(event);
      }
    }
    expect((await outbox.flush()).drained).toBe(true);
    expect(outbox.stats()).toMatchObject({ delivered: 99, deadLettered: 1, pending: 0 });
    expect(await openmeter.countEvents()).toBe(99);
    expect(await openmeter.totalTokens()).toBe(tokens);
    const line = JSON.parse(fs.readFileSync(path.join(dir, 'dead-letter.jsonl'), 'utf8'));
    expect(line).toMatchObject({
      status: 400,
      problem: {
        status: 400,
        extensions: { validationErrors: [{ index: 0, field: 'data.note' }] },
      },
      event: { id: 'event-37', data: { note: 'bad \uD800' } },
    });
    expect(Number.isNaN(Date.parse(line.time))).toBe(false);
  });
});
