import { describe, expect, test } from 'vitest';
import { parseRfc3339, safeParseRfc3339 } from './parse-rfc3339.js';

describe('parseRfc3339', () => {
  test.each([
    { given: '2024-01-01T00:00:00Z', want: '2024-01-01T00:00:00.000Z' },
    { given: '2024-01-01t00:00:00z', want: '2024-01-01T00:00:00.000Z' },
    { given: '2024-02-29T12:30:45.123456789Z', want: '2024-02-29T12:30:45.123Z' },
    { given: '2024-01-01T01:00:00+01:00', want: '2024-01-01T00:00:00.000Z' },
    { given: '2023-12-31T23:00:00-01:00', want: '2024-01-01T00:00:00.000Z' },
    { given: '2016-12-31T23:59:60Z', want: '2016-12-31T23:59:59.999Z' },
    { given: '0000-02-29T00:00:00Z', want: '0000-02-29T00:00:00.000Z' },
    { given: '0001-01-01T00:00:00Z', want: '0001-01-01T00:00:00.000Z' },
    { given: '0099-12-31T23:59:59Z', want: '0099-12-31T23:59:59.000Z' },
    { given: '9999-12-31T23:59:59.999Z', want: '9999-12-31T23:59:59.999Z' },
  ])('reads $given', ({ given, want }) => {
    expect(new Date(parseRfc3339(given)).toISOString()).toBe(want);
  });

  test('keeps years 0000-0099 in the first century, not the 1900s', () => {
    expect(parseRfc3339('0050-06-01T00:00:00Z')).toBe(Date.parse('0050-06-01T00:00:00Z'));
    expect(new Date(parseRfc3339('0050-06-01T00:00:00Z')).getUTCFullYear()).toBe(50);
  });

  test.each([
    { given: 'Jan 1 2024', why: 'expected YYYY-MM-DDTHH:MM:SS' },
    { given: '2024-01-01', why: 'expected YYYY-MM-DDTHH:MM:SS' },
    { given: '2024-01-01T00:00:00', why: 'followed by Z' },
    { given: '2024-01-01 00:00:00Z', why: 'expected YYYY' },
    { given: '24-01-01T00:00:00Z', why: 'expected YYYY' },
    { given: '2024-13-01T00:00:00Z', why: 'month 13' },
    { given: '2023-02-29T00:00:00Z', why: 'day 29 does not exist in 2023-02' },
    { given: '1900-02-29T00:00:00Z', why: 'day 29 does not exist in 1900-02' },
    { given: '2024-04-31T00:00:00Z', why: 'day 31' },
    { given: '2024-01-01T24:00:00Z', why: 'hour 24' },
    { given: '2024-01-01T00:60:00Z', why: 'minute 60' },
    { given: '2024-01-01T00:00:61Z', why: 'second 61' },
    { given: '2024-01-01T00:00:00+24:00', why: 'offset +24:00' },
    { given: '2024-01-01T00:00:00.Z', why: 'expected YYYY' },
  ])('refuses $given ($why)', ({ given, why }) => {
    const result = safeParseRfc3339(given);
    expect(result.success).toBe(false);
    expect(result.success ? '' : result.error).toContain(why);
    expect(() => parseRfc3339(given)).toThrow(RangeError);
  });

  test('refuses what is not a string', () => {
    expect(safeParseRfc3339(1_700_000_000_000)).toEqual({
      success: false,
      error: expect.stringContaining('expected a string, got number'),
    });
  });
});
