/**
 * A recurring period as the entitlements engine uses it: a calendar step (`months`, for MONTH
 * and YEAR, follows month ends like OpenMeter) or a fixed one (`milliseconds`, for DAY, WEEK and
 * ISO 8601 durations in days, weeks, hours or minutes), from an anchor.
 */
export interface PeriodStep {
  months: number;
  milliseconds: number;
}

const DURATION = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/;
const DAY = 86_400_000;

/**
 * Reads `DAY`, `WEEK`, `MONTH`, `YEAR` or an ISO 8601 duration with whole units (`P1D`, `P2W`,
 * `P1M`, `PT1H`); months and years cannot be mixed with smaller units. Undefined when invalid.
 */
export function parsePeriodInterval(interval: unknown): PeriodStep | undefined {
  if (typeof interval !== 'string') return undefined;
  const named: Record<string, string> = { DAY: 'P1D', WEEK: 'P1W', MONTH: 'P1M', YEAR: 'P1Y' };
  const match = DURATION.exec(named[interval] ?? interval);
  if (!match || (named[interval] === undefined && interval === 'P')) return undefined;
  const [, years, months, weeks, days, hours, minutes] = match.map((part) => Number(part ?? 0));
  const calendar = (years as number) * 12 + (months as number);
  const fixed =
    ((weeks as number) * 7 + (days as number)) * DAY +
    (hours as number) * 3_600_000 +
    (minutes as number) * 60_000;
  if ((calendar > 0 && fixed > 0) || calendar + fixed === 0) return undefined;
  return { months: calendar, milliseconds: fixed };
}

/**
 * The ISO 8601 spelling OpenMeter answers for an interval (`intervalISO`).
 */
export function formatIntervalIso(interval: string): string {
  return { DAY: 'P1D', WEEK: 'P1W', MONTH: 'P1M', YEAR: 'P1Y' }[interval] ?? interval;
}

/**
 * The n-th boundary after `anchor` (n may be negative). Calendar steps keep the anchor's day of
 * month, clamped to shorter months (Jan 31 + 1 month = Feb 28/29).
 */
export function addPeriods({
  anchor,
  step,
  count,
}: {
  anchor: number;
  step: PeriodStep;
  count: number;
}): number {
  if (step.months === 0) return anchor + count * step.milliseconds;
  const date = new Date(anchor);
  const totalMonths = date.getUTCFullYear() * 12 + date.getUTCMonth() + count * step.months;
  const year = Math.floor(totalMonths / 12);
  const month = totalMonths - year * 12;
  const lastDay = new Date(Date.UTC(2000, month + 1, 0)).getUTCDate();
  const leapFix = month === 1 && !((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0);
  const day = Math.min(date.getUTCDate(), leapFix ? 28 : lastDay);
  const result = new Date(anchor);
  result.setUTCFullYear(year, month, day);
  return result.getTime();
}

/**
 * The period `[from, to)` of the recurrence that contains `at`.
 */
export function findPeriod({
  anchor,
  step,
  at,
}: {
  anchor: number;
  step: PeriodStep;
  at: number;
}): { from: number; to: number } {
  const approximate = step.months === 0 ? step.milliseconds : step.months * 30.436875 * DAY;
  let count = Math.floor((at - anchor) / approximate);
  while (addPeriods({ anchor, step, count }) > at) count--;
  while (addPeriods({ anchor, step, count: count + 1 }) <= at) count++;
  return {
    from: addPeriods({ anchor, step, count }),
    to: addPeriods({ anchor, step, count: count + 1 }),
  };
}
