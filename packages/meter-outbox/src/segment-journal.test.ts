import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSegmentJournal } from './segment-journal.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const event = (id: string) => ({
  specversion: '1.0',
  id,
  source: 'test',
  type: 'openai',
  subject: 'customer-1',
  data: { total_tokens: 1 },
});

describe('openSegmentJournal, group durability', () => {
  it('deletes a settled segment only once the records that settled it are synced', async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'segment-journal-'));
    cleanups.push(() => fs.rmSync(directory, { recursive: true, force: true }));
    // A long group-commit period: nothing is synced unless asked.
    const journal = openSegmentJournal({
      directory,
      durability: 'group',
      fsyncIntervalMs: 60_000,
      segmentBytes: 64,
      reserveBytes: 0,
      onRecord: () => {},
    });
    cleanups.push(() => journal.close());
    const first = journal.append({ k: 'event', s: 1, t: 0, e: event('a') }).segment;
    journal.retain(first);
    // Past segmentBytes, the next append rotates to a new segment; the ack lands there, unsynced.
    const second = journal.append({ k: 'ack', s: [1] }).segment;
    expect(second).not.toBe(first);
    const firstFile = path.join(directory, `segment-${String(first).padStart(12, '0')}.log`);
    journal.release(first);
    expect(fs.existsSync(firstFile)).toBe(true);
    await journal.sync();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fs.existsSync(firstFile)).toBe(false);
  });
});
