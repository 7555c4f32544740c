/**
 * What a metered client has metered so far: events journaled (by `usage_source`), and what
 * metering could not do (`failures`, each also logged). A failure never fails the call.
 */
export interface MeteringStats {
  /** Events with the provider's own usage. */
  provider: number;
  /** Estimates (aborted, failed or usage-less calls). */
  estimated: number;
  /** Journal writes the outbox refused, events that could not be built, budget settlements that failed. */
  failures: number;
}

const statsByClient = new WeakMap<object, MeteringStats>();

/** Starts the counters of a newly metered client. */
export function createMeteringStats(client: object): MeteringStats {
  const stats: MeteringStats = { provider: 0, estimated: 0, failures: 0 };
  statsByClient.set(client, stats);
  return stats;
}

/**
 * The counters of a client a metering wrapper (`meterOpenAI`, `meterAnthropic`, `meterGoogleGenAI`) returned (a live object), or `undefined` for a client
 * that is not metered.
 */
export function readMeteringStats(client: object): Readonly<MeteringStats> | undefined {
  return statsByClient.get(client);
}
