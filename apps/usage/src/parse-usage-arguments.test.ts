import { describe, expect, test } from 'vitest';
import { safeParseUsageArguments } from './parse-usage-arguments.js';

describe('safeParseUsageArguments', () => {
  test.each([
    {
      given: [],
      want: {
        from: undefined,
        to: undefined,
        subjects: [],
        models: [],
        tiers: [],
        format: 'table',
      },
    },
    {
      given: ['--from', '2026-12-01', '--to', '2026-12-01', '--json'],
      want: { from: '2026-12-01', to: '2026-12-01', format: 'json' },
    },
    {
      given: ['--', '--subject', 'a,b', '--subject', 'c', '--model', 'm', '--tier', '-', '--csv'],
      want: { subjects: ['a', 'b', 'c'], models: ['m'], tiers: ['-'], format: 'csv' },
    },
  ])('$given', ({ given, want }) => {
    const parsed = safeParseUsageArguments(given);
    expect(parsed.success).toBe(true);
    if (parsed.success) expect(parsed.value).toMatchObject(want);
  });

  test.each([
    {
      given: ['--from', '2026-02-30'],
      want: '--from must be a UTC day YYYY-MM-DD, got "2026-02-30"',
    },
    { given: ['--to', '2026-13-01'], want: '--to must be a UTC day YYYY-MM-DD, got "2026-13-01"' },
    { given: ['--to', '1 Dec 2026'], want: '--to must be a UTC day YYYY-MM-DD, got "1 Dec 2026"' },
    {
      given: ['--from', '2026-12-02', '--to', '2026-12-01'],
      want: '--from 2026-12-02 is after --to 2026-12-01: the range would be empty',
    },
    { given: ['--json', '--csv'], want: '--json and --csv exclude each other' },
    { given: ['--days', '3'], want: "Unknown option '--days'" },
  ])('refuses $given', ({ given, want }) => {
    const parsed = safeParseUsageArguments(given);
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(parsed.error).toContain(want);
  });
});
