import type { DayRange } from './read/create-openmeter-reader.js';

/** `safeReadDayRange`'s result: the range, or a message naming the bad parameter. */
export type ReadDayRangeResult =
  | { success: true; value: DayRange }
  | { success: false; error: string };

const dayPattern = /^\d{4}-\d{2}-\d{2}$/;

function isDay(value: string): boolean {
  if (!dayPattern.test(value)) return false;
  const date = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/**
 * The page's range of UTC days from its `from` and `to` parameters (both included); a missing
 * one defaults to the 30 days ending today. At most 366 days.
 */
export function safeReadDayRange({
  from,
  to,
  now,
}: {
  from: string | undefined;
  to: string | undefined;
  now: () => Date;
}): ReadDayRangeResult {
  for (const [name, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (value !== undefined && value !== '' && !isDay(value)) {
      return {
        success: false,
        error: `${name} must be a UTC day YYYY-MM-DD, got ${JSON.stringify(value)}`,
      };
    }
  }
  const last = to || now().toISOString().slice(0, 10);
  const first =
    from ||
    (() => {
      const day = new Date(`${last}T00:00:00.000Z`);
      day.setUTCDate(day.getUTCDate() - 29);
      return day.toISOString().slice(0, 10);
    })();
  if (first > last) return { success: false, error: `from ${first} is after to ${last}` };
  const days = (Date.parse(last) - Date.parse(first)) / 86_400_000 + 1;
  if (days > 366) return { success: false, error: `the range has ${days} days: show at most 366` };
  return { success: true, value: { from: first, to: last } };
}
