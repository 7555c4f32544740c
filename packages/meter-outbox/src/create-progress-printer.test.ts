import { describe, expect, it } from 'vitest';
import { createProgressPrinter } from './create-progress-printer.js';

describe('createProgressPrinter', () => {
  it('prints a line per tick once a drain with events pending has run for a second', () => {
    const lines: string[] = [];
    const print = createProgressPrinter({ stream: { write: (text) => lines.push(text) } });
    print({ pending: 12_000, delivered: 0, elapsedMs: 999, eventsPerSecond: 4000 });
    print({ pending: 12_000, delivered: 8000, elapsedMs: 2000, eventsPerSecond: 4000 });
    print({ pending: 5, delivered: 0, elapsedMs: 2000, eventsPerSecond: 0 });
    print({ pending: 0, delivered: 10, elapsedMs: 3000, eventsPerSecond: 10 });
    expect(lines).toEqual([
      'meter-outbox: draining 12,000 pending (4,000 events/s, ~3 s left)\n',
      'meter-outbox: draining 5 pending (0 events/s, waiting for OpenMeter)\n',
    ]);
  });

  it('keeps a threshold when asked', () => {
    const lines: string[] = [];
    const print = createProgressPrinter({
      minPending: 100,
      stream: { write: (text) => lines.push(text) },
    });
    print({ pending: 99, delivered: 0, elapsedMs: 2000, eventsPerSecond: 10 });
    expect(lines).toEqual([]);
  });
});
