import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPromptEvent } from '../test-server.js';
import { OpenMeterStore } from './open-meter-store.js';

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0))
    rmSync(directory, { recursive: true, force: true });
});

// The backfill's read of a new meter's events (open-meter-store.ts).
const backfillRead =
  'SELECT seq, time_ms, event_json FROM events WHERE type = ? AND seq > ? ORDER BY seq LIMIT ?';

describe('migrateDatabase, version 6: the index of event types', () => {
  it('adds the index to a version 5 database, keeps every event, and a new meter reads its type through it', () => {
    const directory = mkdtempSync(join(tmpdir(), 'openmeter-local-migrate-'));
    directories.push(directory);
    const dbPath = join(directory, 'meter.db');
    const store = new OpenMeterStore({ dbPath });
    store.ingest({
      events: Array.from({ length: 60 }, (_, index) => {
        const time = `2026-12-01T10:00:${String(index).padStart(2, '0')}.000Z`;
        return {
          timeMilliseconds: Date.parse(time),
          event: createPromptEvent({
            id: `e${index}`,
            type: index % 3 === 0 ? 'usage' : 'other',
            subject: 'customer-acme',
            time,
            data: { value: index },
          }),
        };
      }),
      ingestedAtMilliseconds: 0,
    });
    // Back to version 5, as the previous release left the file.
    store.database.exec('DROP INDEX events_type');
    store.database.pragma('user_version = 5');
    const plan = (database: OpenMeterStore['database']) =>
      (
        database.prepare(`EXPLAIN QUERY PLAN ${backfillRead}`).all('usage', 0, 10) as Array<{
          detail: string;
        }>
      )
        .map((row) => row.detail)
        .join('; ');
    expect(plan(store.database)).not.toContain('events_type');
    store.close();

    const reopened = new OpenMeterStore({ dbPath });
    expect(reopened.database.pragma('user_version', { simple: true })).toBe(6);
    expect(reopened.database.prepare('SELECT count(*) FROM events').pluck().get()).toBe(60);
    expect(plan(reopened.database)).toContain('USING INDEX events_type (type=? AND rowid>?)');
    // A meter created now is filled from the 20 stored events of its type.
    reopened.createMeter({
      definition: {
        slug: 'values',
        eventType: 'usage',
        aggregation: 'SUM',
        valueProperty: '$.value',
      },
      origin: 'api',
    });
    const meter = reopened.findMeter('values');
    if (!meter) throw new Error('meter missing');
    expect(
      reopened.database.prepare(`SELECT count(*), sum(value) FROM ${meter.tableName}`).raw().get(),
    ).toEqual([20, 570]);
    reopened.close();
  });
});
