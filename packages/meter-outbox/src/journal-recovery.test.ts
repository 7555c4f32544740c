import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createUsageOutbox } from './create-usage-outbox.js';
import type { OutboxEvent } from './outbox-event.js';
import { createTestEvent } from './testing/start-test-openmeter.js';
import { waitUntil } from './testing/wait-until.js';

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0))
    fs.rmSync(directory, { recursive: true, force: true });
});

const stuck = { events: { ingest: () => new Promise<void>(() => {}) } };

/** Journals `count` events with a client that never answers, then closes (keeping them). */
async function journalEvents(count: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-outbox-'));
  directories.push(dir);
  const outbox = await createUsageOutbox({ client: stuck, dir, logger: false, batchSize: 1000 });
  for (let index = 0; index < count; index++) outbox.enqueue(createTestEvent({ index }));
  await outbox.close({ deadlineMs: 0 });
  const [segment] = fs.readdirSync(dir).filter((name) => name.startsWith('segment-'));
  return { dir, segmentPath: path.join(dir, segment as string) };
}

async function recover(dir: string) {
  const received: OutboxEvent[] = [];
  const outbox = await createUsageOutbox({
    client: { events: { ingest: async (events) => void received.push(...events) } },
    dir,
    logger: false,
    flushIntervalMs: 5,
  });
  const warnings = outbox.startupWarnings.map((notice) => notice.message);
  expect((await outbox.flush()).drained).toBe(true);
  await outbox.close();
  return { ids: received.map((event) => event.id), warnings };
}

describe('journal recovery', () => {
  it('recovers every whole record before a tail truncated mid-record, and warns', async () => {
    const { dir, segmentPath } = await journalEvents(5);
    const size = fs.statSync(segmentPath).size;
    fs.truncateSync(segmentPath, size - 17);
    const { ids, warnings } = await recover(dir);
    expect(ids).toEqual(['event-0', 'event-1', 'event-2', 'event-3']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/ended in a torn record at byte \d+ \(torn record/);
  });

  it('detects flipped bytes in the last record by checksum', async () => {
    const { dir, segmentPath } = await journalEvents(5);
    const bytes = fs.readFileSync(segmentPath);
    const position = bytes.length - 30;
    bytes[position] = (bytes[position] as number) ^ 0xff;
    bytes[position + 1] = (bytes[position + 1] as number) ^ 0x55;
    fs.writeFileSync(segmentPath, bytes);
    const { ids, warnings } = await recover(dir);
    expect(ids).toEqual(['event-0', 'event-1', 'event-2', 'event-3']);
    expect(warnings[0]).toMatch(/checksum mismatch/);
  });

  it('rotates segments and deletes them once fully acknowledged, copying long-lived records forward', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-outbox-'));
    directories.push(dir);
    const received: OutboxEvent[] = [];
    const outbox = await createUsageOutbox({
      client: { events: { ingest: async (events) => void received.push(...events) } },
      dir,
      logger: false,
      batchSize: 50,
      flushIntervalMs: 5,
      segmentBytes: 4096,
    });
    const stream = outbox.openStream(createTestEvent({ index: -1 }));
    for (let round = 0; round < 10; round++) {
      for (let index = 0; index < 50; index++)
        outbox.enqueue(createTestEvent({ index: round * 50 + index }));
      expect((await outbox.flush()).drained).toBe(true);
    }
    // Compaction and deletion run in the background (after the copies are synced): wait for them,
    // however long that takes on a loaded machine.
    const segments = () => fs.readdirSync(dir).filter((name) => name.startsWith('segment-'));
    await waitUntil({ condition: () => segments().length <= 3 });
    await outbox.close({ deadlineMs: 0 });
    expect(received).toHaveLength(500);
    // The open stream survived the deletion of the segment it was first written to.
    const { ids } = await recover(dir);
    expect(ids).toEqual(['event--1']);
    void stream;
  });
});
