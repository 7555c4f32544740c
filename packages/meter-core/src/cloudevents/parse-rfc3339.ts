const rfc3339Pattern =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * What {@link safeParseRfc3339} returns: milliseconds since the epoch, or why the text is not an
 * RFC 3339 date-time.
 * @see https://www.rfc-editor.org/rfc/rfc3339#section-5.6
 */
export type SafeParseRfc3339Result =
  | { success: true; value: number }
  | { success: false; error: string };

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const daysInMonth = (year: number, month: number) =>
  month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

/**
 * Parses an RFC 3339 `date-time` (`2024-01-01T00:00:00Z`, `2024-01-01t00:00:00.123456+01:00`) to
 * milliseconds since the epoch, strictly: a four-digit year (0000-9999, years 0000-0099 are kept
 * as such, not moved to the 1900s), real calendar dates (no February 30), hours 00-23, minutes
 * 00-59, seconds 00-60 (a leap second becomes the last millisecond of its minute), a `Z` or
 * `±HH:MM` offset. Anything else (`Jan 1 2024`, a date without a time, a missing offset) fails
 * with a message saying what is wrong. Fractions beyond milliseconds are truncated.
 * @see https://www.rfc-editor.org/rfc/rfc3339#section-5.6
 */
export function safeParseRfc3339(text: unknown): SafeParseRfc3339Result {
  const fail = (why: string): SafeParseRfc3339Result => ({
    success: false,
    error: `${JSON.stringify(text) ?? String(text)} is not an RFC 3339 date-time such as 2024-01-01T00:00:00Z (${why})`,
  });
  if (typeof text !== 'string') return fail(`expected a string, got ${typeof text}`);
  const match = rfc3339Pattern.exec(text);
  if (!match) return fail('expected YYYY-MM-DDTHH:MM:SS[.fraction] followed by Z or ±HH:MM');
  const [, yearText, monthText, dayText, hourText, minuteText, secondText, fraction] = match;
  const [year, month, day, hour, minute, second] = [
    yearText,
    monthText,
    dayText,
    hourText,
    minuteText,
    secondText,
  ].map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12) return fail(`month ${monthText} is out of range`);
  if (day < 1 || day > daysInMonth(year, month)) {
    return fail(`day ${dayText} does not exist in ${yearText}-${monthText}`);
  }
  if (hour > 23) return fail(`hour ${hourText} is out of range`);
  if (minute > 59) return fail(`minute ${minuteText} is out of range`);
  if (second > 60) return fail(`second ${secondText} is out of range`);
  const [, , , , , , , , zulu, sign, offsetHourText, offsetMinuteText] = match;
  const offsetHours = Number(offsetHourText ?? 0);
  const offsetMinutes = Number(offsetMinuteText ?? 0);
  if (!zulu && (offsetHours > 23 || offsetMinutes > 59)) {
    return fail(`offset ${sign}${offsetHourText}:${offsetMinuteText} is out of range`);
  }
  const milliseconds = fraction ? Number(fraction.slice(0, 3).padEnd(3, '0')) : 0;
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear takes the year as given.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, Math.min(second, 59), second === 60 ? 999 : milliseconds);
  const offset = zulu ? 0 : (sign === '+' ? 1 : -1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  return { success: true, value: date.getTime() - offset };
}

/**
 * Like {@link safeParseRfc3339}, but returns the milliseconds since the epoch and throws a
 * `RangeError` naming what is wrong for anything that is not an RFC 3339 date-time.
 * @see https://www.rfc-editor.org/rfc/rfc3339#section-5.6
 */
export function parseRfc3339(text: unknown): number {
  const result = safeParseRfc3339(text);
  if (!result.success) throw new RangeError(result.error);
  return result.value;
}
