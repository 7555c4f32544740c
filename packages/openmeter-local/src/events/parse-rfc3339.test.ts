import { describe, expect, it } from 'vitest';
import { formatRfc3339, parseRfc3339 } from './parse-rfc3339.js';

describe('parseRfc3339', () => {
  it.each([
    ['0000-01-01T00:00:00Z', '0000-01-01T00:00:00Z'],
    ['0050-06-01T00:00:00Z', '0050-06-01T00:00:00Z'],
    ['0099-12-31T23:59:59.5Z', '0099-12-31T23:59:59.500Z'],
    ['0000-02-29T00:00:00Z', '0000-02-29T00:00:00Z'],
    ['0004-02-29T12:00:00+01:00', '0004-02-29T11:00:00Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00Z'],
  ])('keeps %s as written', (given, want) => {
    const milliseconds = parseRfc3339(given);
    expect(milliseconds).toBeDefined();
    expect(formatRfc3339(milliseconds as number)).toBe(want);
  });

  it.each([
    '0100-02-29T00:00:00Z',
    '1900-02-29T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '2024-04-31T00:00:00Z',
    'Jan 1 2024',
  ])('refuses %s', (given) => {
    expect(parseRfc3339(given)).toBeUndefined();
  });
});
