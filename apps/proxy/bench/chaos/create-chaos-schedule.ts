/**
 * When, counted from the start of the run in ms, the proxy is killed and OpenMeter is down.
 */
export interface ChaosSchedule {
  /** The SIGKILLs of the proxy, in order. */
  killsAtMs: number[];
  /** openmeter-local is stopped at `startMs` and started again at `endMs`; absent: no outage. */
  outage: { startMs: number; endMs: number } | undefined;
}

/**
 * Spreads the kills evenly over the run (2 kills in 40 s: at 13.3 s and 26.7 s) and centres the
 * OpenMeter outage on the middle of the run (8 s: from 16 s to 24 s), so each kill's restart and
 * the outage meet calls in flight and the outbox has a backlog to deliver when OpenMeter returns.
 * A kill that falls inside the outage is moved just after it: the proxy refuses to start while
 * OpenMeter is unreachable, and the run is about what a restart recovers.
 */
export function createChaosSchedule({
  seconds,
  kills,
  outageSeconds,
}: {
  seconds: number;
  kills: number;
  outageSeconds: number;
}): ChaosSchedule {
  const durationMs = seconds * 1000;
  const outage =
    outageSeconds > 0
      ? {
          startMs: Math.round((durationMs - outageSeconds * 1000) / 2),
          endMs: Math.round((durationMs + outageSeconds * 1000) / 2),
        }
      : undefined;
  const killsAtMs = Array.from({ length: kills }, (_, index) => {
    const at = Math.round((durationMs * (index + 1)) / (kills + 1));
    return outage && at >= outage.startMs && at < outage.endMs ? outage.endMs + 500 : at;
  });
  return { killsAtMs, outage };
}
