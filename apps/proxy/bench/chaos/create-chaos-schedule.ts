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
 * Centres the OpenMeter outage on the middle of the run (8 s of 40: from 16 s to 24 s) and spreads
 * the kills evenly over the time outside it (2 kills: at 10.7 s and 29.3 s), so each kill meets
 * calls in flight and the outbox has a backlog to deliver when OpenMeter returns. Kills stay out
 * of the outage because the proxy refuses to start while OpenMeter is unreachable: a kill there
 * would keep it down until the outage ends, and the run is about what a restart recovers.
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
  const outageMs = outageSeconds * 1000;
  const outage =
    outageMs > 0
      ? {
          startMs: Math.round((durationMs - outageMs) / 2),
          endMs: Math.round((durationMs + outageMs) / 2),
        }
      : undefined;
  const killsAtMs = Array.from({ length: kills }, (_, index) => {
    const at = Math.round(((durationMs - outageMs) * (index + 1)) / (kills + 1));
    return outage && at >= outage.startMs ? at + outageMs : at;
  });
  return { killsAtMs, outage };
}
