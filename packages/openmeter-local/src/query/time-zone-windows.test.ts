import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPromptEvent, startTestServer, type TestServer } from '../test-server.js';
import { createWindows, findWindow } from './create-windows.js';

const HOUR = 3_600_000;

describe('findWindow across DST changes', () => {
  it('a Berlin DAY is 23 hours on the spring change and 25 on the autumn change', () => {
    const spring = findWindow({
      windowSize: 'DAY',
      timeZone: 'Europe/Berlin',
      instant: Date.parse('2025-03-30T12:00:00Z'),
    });
    expect(new Date(spring.start).toISOString()).toBe('2025-03-29T23:00:00.000Z');
    expect(new Date(spring.end).toISOString()).toBe('2025-03-30T22:00:00.000Z');
    expect((spring.end - spring.start) / HOUR).toBe(23);
    const autumn = findWindow({
      windowSize: 'DAY',
      timeZone: 'Europe/Berlin',
      instant: Date.parse('2025-10-26T12:00:00Z'),
    });
    expect((autumn.end - autumn.start) / HOUR).toBe(25);
    expect(new Date(autumn.start).toISOString()).toBe('2025-10-25T22:00:00.000Z');
  });

  it('the repeated Berlin hour on the autumn change is two HOUR windows', () => {
    const first = findWindow({
      windowSize: 'HOUR',
      timeZone: 'Europe/Berlin',
      instant: Date.parse('2025-10-26T00:30:00Z'),
    });
    const second = findWindow({
      windowSize: 'HOUR',
      timeZone: 'Europe/Berlin',
      instant: Date.parse('2025-10-26T01:30:00Z'),
    });
    expect(new Date(first.start).toISOString()).toBe('2025-10-26T00:00:00.000Z');
    expect(new Date(second.start).toISOString()).toBe('2025-10-26T01:00:00.000Z');
  });

  it('HOUR windows in a half-hour zone start at :30 UTC', () => {
    const window = findWindow({
      windowSize: 'HOUR',
      timeZone: 'Asia/Kolkata',
      instant: Date.parse('2025-01-01T10:10:00Z'),
    });
    expect(new Date(window.start).toISOString()).toBe('2025-01-01T09:30:00.000Z');
  });

  it('a day that starts at 01:00 because midnight is skipped (Santiago, September)', () => {
    const window = findWindow({
      windowSize: 'DAY',
      timeZone: 'America/Santiago',
      instant: Date.parse('2025-09-07T15:00:00Z'),
    });
    expect(new Date(window.start).toISOString()).toBe('2025-09-07T04:00:00.000Z');
    expect((window.end - window.start) / HOUR).toBe(23);
  });

  it('MONTH windows in Berlin change length with DST', () => {
    const windows = createWindows({
      windowSize: 'MONTH',
      timeZone: 'Europe/Berlin',
      from: Date.parse('2025-03-10T00:00:00Z'),
      to: Date.parse('2025-04-10T00:00:00Z'),
      limit: 10,
    });
    expect(windows?.map((window) => new Date(window.start).toISOString())).toEqual([
      '2025-02-28T23:00:00.000Z',
      '2025-03-31T22:00:00.000Z',
    ]);
  });
});

describe('DAY queries in Europe/Berlin over HTTP', () => {
  let test: TestServer;
  beforeAll(async () => {
    test = await startTestServer();
    const at = (id: string, time: string) =>
      createPromptEvent({ id, time, data: { tokens: 1, model: 'm', type: 'input' } });
    await test.client.events.ingest([
      at('before-midnight-utc', '2025-03-29T22:30:00Z'), // Mar 29, 23:30 CET
      at('after-midnight-berlin', '2025-03-29T23:30:00Z'), // Mar 30, 00:30 CET
      at('before-change', '2025-03-30T00:59:00Z'), // Mar 30, 01:59 CET
      at('after-change', '2025-03-30T01:00:00Z'), // Mar 30, 03:00 CEST
      at('end-of-day', '2025-03-30T21:59:59Z'), // Mar 30, 23:59:59 CEST
      at('next-day', '2025-03-30T22:00:00Z'), // Mar 31, 00:00 CEST
    ]);
  });
  afterAll(async () => {
    await test.server.close();
  });

  it('puts each event in its local day, the change day lasting 23 hours', async () => {
    const result = await test.client.meters.query('tokens_total', {
      windowSize: 'DAY',
      windowTimeZone: 'Europe/Berlin',
    });
    expect(result.data.map((row) => [row.windowStart, row.windowEnd, row.value])).toEqual([
      ['2025-03-28T23:00:00Z', '2025-03-29T23:00:00Z', 1],
      ['2025-03-29T23:00:00Z', '2025-03-30T22:00:00Z', 4],
      ['2025-03-30T22:00:00Z', '2025-03-31T22:00:00Z', 1],
    ]);
    const utc = await test.client.meters.query('tokens_total', { windowSize: 'DAY' });
    expect(utc.data.map((row) => [row.windowStart, row.value])).toEqual([
      ['2025-03-29T00:00:00Z', 2],
      ['2025-03-30T00:00:00Z', 4],
    ]);
  });
});
