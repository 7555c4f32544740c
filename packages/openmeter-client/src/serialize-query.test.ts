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
  {
    given: { filter: { subject: { eq: 'customer-1' }, time: { gte: '2026-01-01T00:00:00Z' } } },
    want: 'filter%5Bsubject%5D%5Beq%5D=customer-1&filter%5Btime%5D%5Bgte%5D=2026-01-01T00%3A00%3A00Z',
  },
  { given: { page: { size: 2, after: 'abc' } }, want: 'page%5Bsize%5D=2&page%5Bafter%5D=abc' },
])('serializes $given', ({ given, want }) => {
  expect(serializeQuery(given as Record<string, unknown> | undefined)).toBe(
    want.replaceAll('%20', '+'),
  );
});
