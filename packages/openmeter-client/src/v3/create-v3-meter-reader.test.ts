import { expect, test } from 'vitest';
import { convertMeterQueryToV3 } from './create-v3-meter-reader.js';

test.each([
  {
    given: {},
    want: { time_zone: 'UTC' },
  },
  {
    given: {
      from: new Date('2026-12-01T00:00:00Z'),
      to: '2026-12-03T00:00:00Z',
      windowSize: 'DAY' as const,
      windowTimeZone: 'Europe/Berlin',
      groupBy: ['model'],
      subject: ['customer-acme'],
      filterGroupBy: { provider: 'openai' },
    },
    want: {
      from: '2026-12-01T00:00:00.000Z',
      to: '2026-12-03T00:00:00Z',
      granularity: 'P1D',
      time_zone: 'Europe/Berlin',
      group_by_dimensions: ['subject', 'model'],
      filters: { dimensions: { subject: { in: ['customer-acme'] }, provider: { in: ['openai'] } } },
    },
  },
])('convertMeterQueryToV3($given) is the body the v3 reader sends', ({ given, want }) => {
  expect(convertMeterQueryToV3(given)).toEqual(want);
});

test('v1-only parameters are refused, naming them', () => {
  expect(() => convertMeterQueryToV3({ filterCustomerId: ['c'] })).toThrow(
    /filterCustomerId are v1 query parameters/,
  );
});
