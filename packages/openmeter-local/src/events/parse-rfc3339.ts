const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

function daysInMonth({ year, month }: { year: number; month: number }): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Parses an RFC 3339 date-time (`2024-01-01T00:00:00.001Z`, `...+01:00`) to milliseconds since
 * the epoch, keeping millisecond precision. Returns `undefined` for anything else, including
 * impossible dates such as February 30.
 * @see https://www.rfc-editor.org/rfc/rfc3339#section-5.6
 */
export function parseRfc3339(text: string): number | undefined {
  const match = RFC3339.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zulu, sign, offsetHour, offsetMinute] =
    match;
  const numbers = [year, month, day, hour, minute, second].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const [y, mo, d, h, mi, s] = numbers;
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 60) return undefined;
  if (d > daysInMonth({ year: y, month: mo })) return undefined;
  const milliseconds = fraction ? Number(fraction.slice(0, 3).padEnd(3, '0')) : 0;
  // A leap second is folded onto the last millisecond-precise instant before the next minute.
  const date = new Date(
    Date.UTC(2000, mo - 1, d, h, mi, Math.min(s, 59), s === 60 ? 999 : milliseconds),
  );
  // Date.UTC maps years 0-99 to 1900-1999; setting the year afterwards keeps it as written.
  const utc = date.setUTCFullYear(y);
  if (zulu) return utc;
  const offsetHours = Number(offsetHour);
  const offsetMinutes = Number(offsetMinute);
  if (offsetHours > 23 || offsetMinutes > 59) return undefined;
  const offset = (offsetHours * 60 + offsetMinutes) * 60_000;
  return sign === '+' ? utc - offset : utc + offset;
}

/**
 * Formats milliseconds since the epoch as RFC 3339 in UTC, the way OpenMeter answers
 * (`2024-01-01T00:00:00Z`, with milliseconds only when they are not zero).
 * @see https://www.rfc-editor.org/rfc/rfc3339#section-5.6
 */
export function formatRfc3339(milliseconds: number): string {
  const text = new Date(milliseconds).toISOString();
  return text.endsWith('.000Z') ? `${text.slice(0, -5)}Z` : text;
}
