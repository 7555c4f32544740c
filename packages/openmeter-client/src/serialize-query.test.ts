import { expect, test } from 'vitest';
import { serializeQuery } from './serialize-query.js';

test.each([
  { given: undefined, want: '' },
  { given: { a: undefined, b: null }, want: '' },
  { given: { subject: ['a', 'b'] }, want: 'subject=a&subject=b' },
  {
    given: { filterGroupBy: { model: 'gpt-4o', type: 'input' } },
    want: 'filterGroupBy%5Bmodel%5D=gpt-4o&filterGroupBy%5Btype%5D=input',
  },
  {
    given: { from: new Date('2026-01-01T00:00:00.000Z'), limit: 5 },
    want: 'from=2026-01-01T00%3A00%3A00.000Z&limit=5',
  },
  {
    given: { advancedMeterGroupByFilters: { model: { $in: ['gpt-4o', 'gpt-4.1'] } } },
    want: `advancedMeterGroupByFilters=${encodeURIComponent('{"model":{"$in":["gpt-4o","gpt-4.1"]}}')}`,
  },
])('serializes $given', ({ given, want }) => {
  expect(serializeQuery(given as Record<string, unknown> | undefined)).toBe(
    want.replaceAll('%20', '+'),
  );
});
