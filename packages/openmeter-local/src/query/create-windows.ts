import type { WindowSize } from '../openmeter-types.js';
import { convertWallTimeToInstant, getTimeZoneOffset } from './time-zone-offset.js';

/**
 * One aggregation window, `[start, end)` in milliseconds since the epoch.
 */
export interface TimeWindow {
  start: number;
  end: number;
}

const FIXED_SIZES = { MINUTE: 60_000, HOUR: 3_600_000 } as const;
const DAY = 86_400_000;

/**
 * The window of `windowSize` in `timeZone` that contains `instant`. MINUTE and HOUR windows are
 * real minutes and hours (a repeated wall-clock hour is two windows); DAY and MONTH windows run
 * from local midnight to local midnight, so they last 23 or 25 hours across a DST change.
 */
export function findWindow({
  windowSize,
  timeZone,
  instant,
}: {
  windowSize: WindowSize;
  timeZone: string;
  instant: number;
}): TimeWindow {
  const offset = getTimeZoneOffset({ timeZone, instant });
  if (windowSize === 'MINUTE' || windowSize === 'HOUR') {
    const size = FIXED_SIZES[windowSize];
    const start = Math.floor((instant + offset) / size) * size - offset;
    return { start, end: start + size };
  }
  const wall = new Date(instant + offset);
  const year = wall.getUTCFullYear();
  const month = wall.getUTCMonth();
  const [startWall, endWall] =
    windowSize === 'DAY'
      ? [
          Math.floor((instant + offset) / DAY) * DAY,
          Math.floor((instant + offset) / DAY) * DAY + DAY,
        ]
      : [Date.UTC(year, month, 1), Date.UTC(year, month + 1, 1)];
  return {
    start: convertWallTimeToInstant({ timeZone, wallTime: startWall }),
    end: convertWallTimeToInstant({ timeZone, wallTime: endWall }),
  };
}

/**
 * Every window of `windowSize` in `timeZone` that overlaps `[from, to)`, in order; stops early
 * (returning undefined) once more than `limit` windows would be needed.
 */
export function createWindows({
  windowSize,
  timeZone,
  from,
  to,
  limit,
}: {
  windowSize: WindowSize;
  timeZone: string;
  from: number;
  to: number;
  limit: number;
}): TimeWindow[] | undefined {
  const windows: TimeWindow[] = [];
  let instant = from;
  while (instant < to) {
    if (windows.length >= limit) return undefined;
    const window = findWindow({ windowSize, timeZone, instant });
    windows.push(window);
    instant = window.end;
  }
  return windows;
}
