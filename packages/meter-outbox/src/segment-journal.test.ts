import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type JournalFileSystem, nodeJournalFileSystem } from './journal-file-system.js';
import { decodeJournalSegment } from './journal-record.js';
import { openSegmentJournal } from './segment-journal.js';
import { waitUntil } from './testing/wait-until.js';

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
    // Deleted once that sync is done: wait for the deletion, not for an amount of time.
    await waitUntil({ condition: () => !fs.existsSync(firstFile) });
  });
});

describe('openSegmentJournal, segments pre-written ahead', () => {
  const segmentFile = (directory: string, segment: number) =>
    path.join(directory, `segment-${String(segment).padStart(12, '0')}.log`);
  const preparedFiles = (directory: string) =>
    fs.readdirSync(directory).filter((name) => name.endsWith('.prepared'));

  /** The node file system, reporting each pre-written segment as it is done (or failed). */
  function watchedFileSystem(
    overrides: Partial<JournalFileSystem> = {},
  ): JournalFileSystem & { preallocations: Array<Promise<unknown>>; settled(): Promise<void> } {
    const preallocations: Array<Promise<unknown>> = [];
    const base = { ...nodeJournalFileSystem, ...overrides };
    return {
      ...base,
      preallocations,
      // The journal starts pre-writing on the turn after a rotation: let that turn come, then
      // wait for whatever it started.
      async settled() {
        await new Promise((resolve) => setImmediate(resolve));
        await Promise.all(preallocations);
      },
      preallocate(file, length) {
        const done = (base.preallocate as NonNullable<JournalFileSystem['preallocate']>)(
          file,
          length,
        );
        preallocations.push(done.catch(() => undefined));
        return done;
      },
    };
  }

  async function openIn(fileSystem: JournalFileSystem, directory?: string) {
    const dir = directory ?? fs.mkdtempSync(path.join(os.tmpdir(), 'segment-journal-'));
    if (!directory) cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const found: string[] = [];
    const opened = openSegmentJournal({
      directory: dir,
      durability: 'group',
      fsyncIntervalMs: 60_000,
      segmentBytes: 4096,
      reserveBytes: 0,
      fileSystem,
      onRecord: (record) => {
        if (record.k === 'event') found.push(record.e.id);
      },
    });
    // Every event stays owed (live), so no segment is deleted as settled.
    const journal = {
      ...opened,
      append(record: Parameters<typeof opened.append>[0]) {
        const location = opened.append(record);
        opened.retain(location.segment);
        return location;
      },
      damage: opened.damage,
    };
    return { dir, journal, found };
  }

  /** Appends `count` events, letting each rotation's pre-write finish; their ids and segments. */
  async function writeEvents({
    fileSystem,
    journal,
    count,
  }: {
    fileSystem: ReturnType<typeof watchedFileSystem>;
    journal: Awaited<ReturnType<typeof openIn>>['journal'];
    count: number;
  }) {
    await fileSystem.settled();
    const ids = Array.from({ length: count }, (_, index) => `event-${index}`);
    const segments = new Set<number>();
    for (const [index, id] of ids.entries()) {
      segments.add(journal.append({ k: 'event', s: index, t: 0, e: event(id) }).segment);
      // Each new segment's successor is pre-written before the segment fills.
      await fileSystem.settled();
    }
    return { ids, segments };
  }

  /** The journal's segment files, oldest first. */
  const segmentNames = (directory: string) =>
    fs
      .readdirSync(directory)
      .filter((name) => name.endsWith('.log'))
      .sort();

  it('writes into the pre-written segment, trims retired ones, and recovers every record after a crash', async () => {
    const fileSystem = watchedFileSystem();
    const { dir, journal } = await openIn(fileSystem);
    const { ids, segments } = await writeEvents({ fileSystem, journal, count: 100 });
    await journal.sync();
    const [first, ...rest] = [...segments];
    const newest = rest.at(-1) as number;
    expect(rest.length).toBeGreaterThan(2);
    // The active segment is the pre-written one, zeros beyond its records; retired ones are cut
    // back to their last record.
    expect(fs.statSync(segmentFile(dir, newest)).size).toBe(4096);
    const retired = fs.readFileSync(segmentFile(dir, rest[0] as number));
    expect(retired.length).toBeLessThan(4096);
    expect(retired.at(-1)).not.toBe(0);
    expect(preparedFiles(dir)).toHaveLength(1);
    expect(first).toBeDefined();

    // A crash: nothing closed. Reopening reads every record, reports no damage, and tidies up.
    const reopened = await openIn(nodeJournalFileSystem, dir);
    cleanups.push(() => reopened.journal.close());
    expect(reopened.found).toEqual(ids);
    expect(reopened.journal.damage).toEqual([]);
    expect(preparedFiles(dir)).toEqual([]);
    expect(fs.readFileSync(segmentFile(dir, newest)).at(-1)).not.toBe(0);
    await journal.close();
  });

  it('closes with no pre-written file left and every segment cut to its records', async () => {
    const fileSystem = watchedFileSystem();
    const { dir, journal } = await openIn(fileSystem);
    await writeEvents({ fileSystem, journal, count: 60 });
    await journal.close();
    const names = fs.readdirSync(dir);
    expect(preparedFiles(dir)).toEqual([]);
    for (const name of names) expect(fs.readFileSync(path.join(dir, name)).at(-1)).not.toBe(0);
  });

  it('creates segments as they are needed when pre-writing fails or space is short', async () => {
    const failing = watchedFileSystem({
      preallocate: () =>
        Promise.reject(Object.assign(new Error('ENOSPC: no space left'), { code: 'ENOSPC' })),
    });
    const short = watchedFileSystem({
      // Room for the reserve, not for a segment written ahead as well.
      statfsSync: () => ({ bavail: 1, bsize: 4096 }),
    });
    for (const fileSystem of [failing, short]) {
      const { dir, journal } = await openIn(fileSystem);
      const { ids } = await writeEvents({ fileSystem, journal, count: 60 });
      await journal.close();
      expect(preparedFiles(dir)).toEqual([]);
      const reopened = await openIn(nodeJournalFileSystem, dir);
      cleanups.push(() => reopened.journal.close());
      expect(reopened.found).toEqual(ids);
    }
    expect(short.preallocations).toHaveLength(0);
    expect(failing.preallocations.length).toBeGreaterThan(0);
  });
  it('falls back to a new empty segment when the pre-written one cannot be renamed into place', async () => {
    const fileSystem = watchedFileSystem({
      renameSync: (from, to) => {
        if (from.endsWith('.prepared'))
          throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
        nodeJournalFileSystem.renameSync(from, to);
      },
    });
    const { dir, journal } = await openIn(fileSystem);
    const { ids } = await writeEvents({ fileSystem, journal, count: 60 });
    expect(fileSystem.preallocations.length).toBeGreaterThan(1);
    await journal.close();
    expect(preparedFiles(dir)).toEqual([]);
    const reopened = await openIn(nodeJournalFileSystem, dir);
    cleanups.push(() => reopened.journal.close());
    expect(reopened.found).toEqual(ids);
  });

  it('adopts a pre-written file that holds records (its rename lost), and drops unused ones', async () => {
    const fileSystem = watchedFileSystem();
    const { dir, journal } = await openIn(fileSystem);
    const { ids } = await writeEvents({ fileSystem, journal, count: 40 });
    await journal.sync();
    // A power loss that kept the newest segment's data but not its rename: it is back under its
    // pre-written name. Beside it, an unused pre-written file.
    const segments = segmentNames(dir);
    for (const name of preparedFiles(dir)) fs.rmSync(path.join(dir, name));
    fs.renameSync(
      path.join(dir, segments.at(-1) as string),
      path.join(dir, 'segment-next-0a1b2c3d.prepared'),
    );
    fs.writeFileSync(path.join(dir, 'segment-next-99.prepared'), Buffer.alloc(4096));
    const reopened = await openIn(nodeJournalFileSystem, dir);
    cleanups.push(() => reopened.journal.close());
    expect(reopened.found).toEqual(ids);
    expect(reopened.journal.damage).toEqual([]);
    expect(preparedFiles(dir)).toEqual([]);
    await journal.close();
  });

  it('reports zeros at the end of a segment already cut back to its records as damage', async () => {
    const fileSystem = watchedFileSystem();
    const { dir, journal } = await openIn(fileSystem);
    await writeEvents({ fileSystem, journal, count: 60 });
    await journal.close();
    const [oldest] = segmentNames(dir);
    // Bit rot that zeroes the last two records of a retired (trimmed) segment exactly: the
    // decoder alone sees a clean end there, as it would in space written ahead.
    const file = path.join(dir, oldest as string);
    const bytes = fs.readFileSync(file);
    const { records } = decodeJournalSegment(bytes);
    bytes.fill(0, records.at(-2)?.offset);
    fs.writeFileSync(file, bytes);
    expect(decodeJournalSegment(bytes).damaged).toEqual([]);
    const reopened = await openIn(nodeJournalFileSystem, dir);
    cleanups.push(() => reopened.journal.close());
    expect(reopened.journal.damage).toMatchObject([
      { file, end: bytes.length, tail: false, truncated: false },
    ]);
    expect(reopened.found).toHaveLength(58);
  });
  it('reports zeros at the end of the newest segment, after a clean close, as a torn tail', async () => {
    const fileSystem = watchedFileSystem();
    const { dir, journal } = await openIn(fileSystem);
    await writeEvents({ fileSystem, journal, count: 60 });
    await journal.close();
    const newest = segmentNames(dir).at(-1);
    const file = path.join(dir, newest as string);
    const bytes = fs.readFileSync(file);
    const { records } = decodeJournalSegment(bytes);
    bytes.fill(0, records.at(-1)?.offset);
    fs.writeFileSync(file, bytes);
    const reopened = await openIn(nodeJournalFileSystem, dir);
    cleanups.push(() => reopened.journal.close());
    expect(reopened.journal.damage).toMatchObject([
      { file, end: bytes.length, lostRecords: 1, tail: true, truncated: true },
    ]);
    expect(reopened.found).toHaveLength(59);
  });
});
