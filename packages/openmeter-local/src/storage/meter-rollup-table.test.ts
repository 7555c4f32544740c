import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ValidEvent } from '../events/validate-event.js';
import { DEFAULT_REQUEST_LIMITS } from '../http/request-limits.js';
import { parseMeterQuery } from '../query/parse-meter-query.js';
import { runMeterQuery } from '../query/run-meter-query.js';
import { createPromptEvent } from '../test-server.js';
import { rollupTableName } from './meter-rollup-table.js';
import { OpenMeterStore } from './open-meter-store.js';

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0))
    rmSync(directory, { recursive: true, force: true });
});
function createDbPath(): string {
  const directory = mkdtempSync(join(tmpdir(), 'openmeter-local-rollup-'));
  directories.push(directory);
  return join(directory, 'meter.db');
}

const aggregations = ['SUM', 'COUNT', 'AVG', 'MIN', 'MAX'] as const;

function createMeters(store: OpenMeterStore): void {
  for (const aggregation of aggregations) {
    store.createMeter({
      definition: {
        slug: `m_${aggregation.toLowerCase()}`,
        eventType: 'usage',
        aggregation,
        ...(aggregation === 'COUNT' ? {} : { valueProperty: '$.value' }),
        groupBy: { model: '$.model', tier: '$.tier' },
      },
      origin: 'api',
    });
  }
}

// 800 events over 5 days around Europe's DST switch, some without a tier (a missing group-by
// value), a few before 1970 (negative times floor to the hour below).
function createEvents(): ValidEvent[] {
  let seed = 11;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const start = Date.parse('2025-03-28T00:00:00Z');
  return Array.from({ length: 800 }, (_, index) => {
    const time =
      index % 100 === 7
        ? Date.parse('1969-12-31T22:00:00Z') + Math.floor(random() * 4 * 3_600_000)
        : start + Math.floor(random() * 5 * 86_400_000);
    return {
      timeMilliseconds: time,
      event: createPromptEvent({
        id: `e${index}`,
        type: 'usage',
        subject: `s${index % 3}`,
        time: new Date(time).toISOString(),
        data: {
          value: Math.floor(random() * 100) - 20,
          model: `m${index % 2}`,
          ...(index % 5 === 0 ? {} : { tier: index % 3 === 0 ? 'flex' : 'default' }),
        },
      }),
    };
  });
}

const queries = [
  { windowSize: 'DAY', windowTimeZone: 'UTC', groupBy: ['subject', 'model', 'tier'] },
  { windowSize: 'DAY', windowTimeZone: 'Europe/Berlin', groupBy: ['model'] },
  { windowSize: 'MONTH', windowTimeZone: 'America/New_York', groupBy: ['tier'] },
  { windowSize: 'HOUR', windowTimeZone: 'UTC', groupBy: ['subject'] },
  // Half-hour time zone and MINUTE windows cut hours: the value table answers.
  { windowSize: 'DAY', windowTimeZone: 'Asia/Kolkata', groupBy: ['subject'] },
  { windowSize: 'MINUTE', from: '2025-03-30T00:00:00Z', to: '2025-03-30T03:00:00Z' },
  { from: '2025-03-29T00:00:00Z', to: '2025-04-01T00:00:00Z', groupBy: ['tier'] },
  { from: '2025-03-29T00:00:00Z', groupBy: ['subject', 'tier'] },
  { to: '2025-03-30T05:00:00Z' },
  {},
  // Bounds inside an hour: the value table answers.
  { windowSize: 'DAY', from: '2025-03-29T05:17:00Z', groupBy: ['model'] },
  { windowSize: 'DAY', subject: ['s0'], filterGroupBy: { tier: 'flex' }, groupBy: ['model'] },
  { windowSize: 'HOUR', filterGroupBy: { model: 'm0' }, from: '2025-03-30T00:00:00Z' },
] as const;

describe('the per-hour rollup', () => {
  it('answers every aggregation, window and filter exactly as the value table', () => {
    const store = new OpenMeterStore({ dbPath: createDbPath() });
    createMeters(store);
    const events = createEvents();
    // In three batches, the second again in full: duplicates must not reach the rollup.
    store.ingest({ events: events.slice(0, 300), ingestedAtMilliseconds: 0 });
    store.ingest({ events: events.slice(300, 600), ingestedAtMilliseconds: 0 });
    store.ingest({ events: events.slice(200), ingestedAtMilliseconds: 0 });
    for (const aggregation of aggregations) {
      const meter = store.findMeter(`m_${aggregation.toLowerCase()}`);
      if (!meter) throw new Error('meter missing');
      const rollupRows = store.database
        .prepare(`SELECT count(*) FROM ${rollupTableName(meter)}`)
        .pluck()
        .get() as number;
      expect(rollupRows).toBeGreaterThan(0);
      expect(rollupRows).toBeLessThan(events.length);
      for (const raw of queries) {
        const query = parseMeterQuery({ raw, meter, limits: DEFAULT_REQUEST_LIMITS });
        const fromValues = runMeterQuery({ store, meter, query, useRollup: false });
        expect(fromValues.data.length, JSON.stringify(raw)).toBeGreaterThan(0);
        expect(
          runMeterQuery({ store, meter, query }),
          `${aggregation} ${JSON.stringify(raw)}`,
        ).toEqual(fromValues);
      }
    }
    store.close();
  });

  it('is what aligned queries read, and the value table what the others read', () => {
    const store = new OpenMeterStore({ dbPath: createDbPath() });
    createMeters(store);
    store.ingest({ events: createEvents(), ingestedAtMilliseconds: 0 });
    const meter = store.findMeter('m_sum');
    if (!meter) throw new Error('meter missing');
    const day = parseMeterQuery({
      // From 2025 on: with the events of 1969 that would be over 1,000 windows, which the value
      // table answers minute by minute.
      raw: { windowSize: 'DAY', from: '2025-03-28T00:00:00Z' },
      meter,
      limits: DEFAULT_REQUEST_LIMITS,
    });
    const minute = parseMeterQuery({
      raw: { windowSize: 'MINUTE', from: '2025-03-30T00:00:00Z', to: '2025-03-30T03:00:00Z' },
      meter,
      limits: DEFAULT_REQUEST_LIMITS,
    });
    const before = runMeterQuery({ store, meter, query: day });
    // Emptying one side shows which side answers.
    store.database.exec(`DELETE FROM ${meter.tableName}`);
    expect(runMeterQuery({ store, meter, query: day })).toEqual(before);
    expect(runMeterQuery({ store, meter, query: minute }).data).toEqual([]);
    store.close();
  });

  it('is filled from the readings of a database written before rollups existed', () => {
    const dbPath = createDbPath();
    const store = new OpenMeterStore({ dbPath });
    createMeters(store);
    store.ingest({ events: createEvents(), ingestedAtMilliseconds: 0 });
    const meters = aggregations.map((aggregation) => {
      const meter = store.findMeter(`m_${aggregation.toLowerCase()}`);
      if (!meter) throw new Error('meter missing');
      return meter;
    });
    const query = (meter: (typeof meters)[number]) =>
      parseMeterQuery({
        raw: {
          windowSize: 'DAY',
          from: '2025-03-28T00:00:00Z',
          groupBy: ['subject', 'model', 'tier'],
        },
        meter,
        limits: DEFAULT_REQUEST_LIMITS,
      });
    const before = meters.map((meter) =>
      runMeterQuery({ store, meter, query: query(meter), useRollup: false }),
    );
    // Back to schema version 3, as an earlier release left the file.
    for (const meter of meters) store.database.exec(`DROP TABLE ${rollupTableName(meter)}`);
    store.database.exec('DROP TABLE meter_hour_rollups');
    // And without what version 5 added (v3 features and LLM cost overrides).
    store.database.exec('DROP TABLE v3_features');
    store.database.exec('DROP TABLE llm_cost_overrides');
    // And without version 6's index of event types.
    store.database.exec('DROP INDEX events_type');
    store.database.pragma('user_version = 3');
    const readingCount = store.database
      .prepare(`SELECT count(*) FROM ${meters[0]?.tableName}`)
      .pluck()
      .get();
    store.close();

    const reopened = new OpenMeterStore({ dbPath });
    expect(reopened.database.pragma('user_version', { simple: true })).toBe(6);
    expect(
      reopened.database.prepare(`SELECT count(*) FROM ${meters[0]?.tableName}`).pluck().get(),
    ).toBe(readingCount);
    meters.forEach((meter, index) => {
      expect(
        reopened.database
          .prepare(`SELECT count(*) FROM ${rollupTableName(meter)}`)
          .pluck()
          .get(),
      ).toBeGreaterThan(0);
      expect(runMeterQuery({ store: reopened, meter, query: query(meter) })).toEqual(before[index]);
    });
    reopened.close();
  });
});
