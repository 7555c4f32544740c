import { describe, expect, it } from 'vitest';
import { safeParseReconcileArguments } from './parse-reconcile-arguments.js';

describe('safeParseReconcileArguments', () => {
  it.each([
    {
      given: ['--from', '2026-12-01', '--to', '2026-12-02'],
      want: { from: '2026-12-01', to: '2026-12-02', json: false, threshold: 1, costs: true },
    },
    {
      given: ['--from=2026-12-01', '--to=2026-12-01', '--json', '--threshold', '0.5', '--no-costs'],
      want: { from: '2026-12-01', to: '2026-12-01', json: true, threshold: 0.5, costs: false },
    },
  ])('parses $given', ({ given, want }) => {
    expect(safeParseReconcileArguments(given)).toEqual({ success: true, value: want });
  });

  it.each([
    { given: ['--from', '2026-12-01'], error: /--from and --to are required/ },
    { given: ['--from', 'a', '--to', 'b', '--threshold', 'ten'], error: /--threshold must be/ },
    { given: ['--from', 'a', '--to', 'b', '--threshold=-1'], error: /--threshold must be/ },
    { given: ['--from', 'a', '--to', 'b', '--verbose'], error: /Unknown option '--verbose'/ },
  ])('refuses $given', ({ given, error }) => {
    const result = safeParseReconcileArguments(given);
    expect(result.success).toBe(false);
    expect(!result.success && result.error).toMatch(error);
  });
});
