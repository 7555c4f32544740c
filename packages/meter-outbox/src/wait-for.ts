/**
 * Waits until `isDone()` holds, re-checking whenever `nextChange()` resolves and at least every
 * `tickMs` (calling `onTick`), or until `deadlineMs` elapses (monotonic time). Resolves whether it
 * got done.
 */
export async function waitFor({
  isDone,
  nextChange,
  deadlineMs,
  onTick,
  tickMs = 1000,
}: {
  isDone: () => boolean;
  nextChange: () => Promise<void>;
  deadlineMs: number | undefined;
  onTick: (() => void) | undefined;
  tickMs?: number;
}): Promise<boolean> {
  // Deadlines are durations: measured on the monotonic clock, which no clock change (and no
  // injected `now`) can stretch or cut short.
  const deadline =
    deadlineMs === undefined ? Number.POSITIVE_INFINITY : performance.now() + deadlineMs;
  let nextTick = performance.now() + tickMs;
  while (!isDone()) {
    const current = performance.now();
    if (current >= deadline) return false;
    if (onTick && current >= nextTick) {
      onTick();
      nextTick = current + tickMs;
    }
    const waitMs = Math.min(deadline, onTick ? nextTick : current + tickMs) - current;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      nextChange(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, Math.max(1, waitMs));
      }),
    ]);
    clearTimeout(timer);
  }
  return true;
}
