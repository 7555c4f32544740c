const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * Whether `timeZone` is an IANA time zone name this runtime knows (`Europe/Berlin`, `UTC`).
 */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * Offset of `timeZone` from UTC at an instant, in milliseconds (Berlin in summer: +7,200,000).
 */
export function getTimeZoneOffset({
  timeZone,
  instant,
}: {
  timeZone: string;
  instant: number;
}): number {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return 0;
  const seconds = Math.floor(instant / 1000) * 1000;
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(seconds)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const wall = Date.UTC(
    parts.year as number,
    (parts.month as number) - 1,
    parts.day,
    parts.hour,
    parts.minute,
    parts.second,
  );
  return wall - seconds;
}

/**
 * The instant at which a wall-clock time (expressed as if it were UTC milliseconds) happens in
 * `timeZone`. A wall time skipped by a DST gap resolves to the first instant after the gap; a
 * repeated one to its first occurrence.
 */
export function convertWallTimeToInstant({
  timeZone,
  wallTime,
}: {
  timeZone: string;
  wallTime: number;
}): number {
  const before = getTimeZoneOffset({ timeZone, instant: wallTime - 86_400_000 });
  const after = getTimeZoneOffset({ timeZone, instant: wallTime + 86_400_000 });
  const candidates = [wallTime - Math.max(before, after), wallTime - Math.min(before, after)];
  for (const candidate of candidates) {
    if (candidate + getTimeZoneOffset({ timeZone, instant: candidate }) === wallTime)
      return candidate;
  }
  // In a gap: the day (or month) begins when the clock jumps, i.e. the earlier-offset reading.
  return wallTime - Math.min(before, after);
}
