/**
 * What a chaos run does: how long, how many clients, how many proxy kills, how long OpenMeter is
 * down, and the pace of the simulated upstream. The defaults are the run issue 26 describes.
 */
export interface ChaosSettings {
  /** How long clients send calls, in seconds (`CHAOS_SECONDS`, 40). */
  seconds: number;
  /** openai SDK clients sending at once (`CHAOS_CLIENTS`, 8). */
  clients: number;
  /** SIGKILLs of the proxy, spread over the run (`CHAOS_KILLS`, 2). */
  kills: number;
  /** How long openmeter-local is down, in seconds, around the middle of the run (`CHAOS_OUTAGE_SECONDS`, 8; 0: no outage). */
  outageSeconds: number;
  /** Content chunks an aborting client reads before `controller.abort()` (`CHAOS_ABORT_AFTER`, 6). */
  abortAfter: number;
  /** openai-local's stream pace, tokens per second (`CHAOS_TPS`, 200, as the apps' embedded one). */
  tokensPerSecond: number;
  /** How long a call may stay unsettled before it is reported as hung, in ms (`CHAOS_HANG_MS`, 20000). */
  hangMs: number;
  /** How long to wait for the outbox to deliver after the run, in ms (`CHAOS_DELIVERY_MS`, 120000). */
  deliveryMs: number;
  /** Seed of the calls' kinds and prompts, so a run can be repeated (`CHAOS_SEED`, 1). */
  seed: number;
  /** `LLM_METER_PROXY_ABORT_GRACE_MS` for the proxy (`CHAOS_ABORT_GRACE_MS`; unset: the proxy's default). */
  abortGraceMs: number | undefined;
  /** `1`: break out of the loop right after `controller.abort()` (`CHAOS_BREAK_AFTER_ABORT`, 0: read on, as the clients did). */
  breakAfterAbort: boolean;
  /**
   * The clients' fetch (`CHAOS_FETCH`): `undici` (default), the `undici` package's, or `builtin`,
   * Node's own. Node 20 and 22's built-in fetch (undici 6 before 6.29.1, nodejs/undici#4089) never
   * settles a read after an abort that comes once the whole response has arrived: a client that
   * calls `controller.abort()` in its `for await` and reads on can hang forever whatever the server
   * does (see reproduce-abort-hang.ts). `builtin` shows it.
   */
  fetch: 'undici' | 'builtin';
  /** `1`: keep the run's data directory and print where it is (`CHAOS_KEEP`, 0). */
  keep: boolean;
}

/**
 * A chaos setting that is not a number in its range; the message names the variable.
 */
export class ChaosSettingsError extends Error {
  override name = 'ChaosSettingsError' as const;
}

const integer = ({
  env,
  name,
  fallback,
  min,
  max,
}: {
  env: Readonly<Record<string, string | undefined>>;
  name: string;
  fallback: number;
  min: number;
  max: number;
}): number => {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new ChaosSettingsError(
      `${name}=${JSON.stringify(raw)} is not a whole number from ${min} to ${max}: set ${name} to one, or unset it for ${fallback}`,
    );
  return value;
};

const choice = <Value extends string>({
  env,
  name,
  values,
}: {
  env: Readonly<Record<string, string | undefined>>;
  name: string;
  /** The allowed values, the default first. */
  values: readonly [Value, ...Value[]];
}): Value => {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return values[0];
  const value = values.find((allowed) => allowed === raw);
  if (value === undefined)
    throw new ChaosSettingsError(
      `${name}=${JSON.stringify(raw)} is not one of ${values.join(', ')}: set ${name} to one, or unset it for ${values[0]}`,
    );
  return value;
};

const flag = (env: Readonly<Record<string, string | undefined>>, name: string): boolean => {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '' || raw === '0') return false;
  if (raw === '1') return true;
  throw new ChaosSettingsError(`${name}=${JSON.stringify(raw)} is neither 0 nor 1: set it to one`);
};

/**
 * Reads the chaos run's settings from the environment, with the defaults of issue 26's run.
 * Throws a {@link ChaosSettingsError} naming the variable when one is out of range, or when the
 * outage does not fit in the run.
 */
export function parseChaosSettings({
  env,
}: {
  env: Readonly<Record<string, string | undefined>>;
}): ChaosSettings {
  const settings: ChaosSettings = {
    seconds: integer({ env, name: 'CHAOS_SECONDS', fallback: 40, min: 1, max: 3600 }),
    clients: integer({ env, name: 'CHAOS_CLIENTS', fallback: 8, min: 1, max: 256 }),
    kills: integer({ env, name: 'CHAOS_KILLS', fallback: 2, min: 0, max: 100 }),
    outageSeconds: integer({ env, name: 'CHAOS_OUTAGE_SECONDS', fallback: 8, min: 0, max: 3600 }),
    abortAfter: integer({ env, name: 'CHAOS_ABORT_AFTER', fallback: 6, min: 1, max: 1000 }),
    tokensPerSecond: integer({ env, name: 'CHAOS_TPS', fallback: 200, min: 0, max: 100_000 }),
    hangMs: integer({ env, name: 'CHAOS_HANG_MS', fallback: 20_000, min: 100, max: 3_600_000 }),
    deliveryMs: integer({
      env,
      name: 'CHAOS_DELIVERY_MS',
      fallback: 120_000,
      min: 1000,
      max: 3_600_000,
    }),
    seed: integer({ env, name: 'CHAOS_SEED', fallback: 1, min: 0, max: 2 ** 31 - 1 }),
    abortGraceMs:
      env.CHAOS_ABORT_GRACE_MS === undefined || env.CHAOS_ABORT_GRACE_MS.trim() === ''
        ? undefined
        : integer({ env, name: 'CHAOS_ABORT_GRACE_MS', fallback: 200, min: 0, max: 60_000 }),
    breakAfterAbort: flag(env, 'CHAOS_BREAK_AFTER_ABORT'),
    fetch: choice({ env, name: 'CHAOS_FETCH', values: ['undici', 'builtin'] }),
    keep: flag(env, 'CHAOS_KEEP'),
  };
  if (settings.outageSeconds >= settings.seconds)
    throw new ChaosSettingsError(
      `CHAOS_OUTAGE_SECONDS=${settings.outageSeconds} does not fit in a run of CHAOS_SECONDS=${settings.seconds}: make it shorter than the run`,
    );
  return settings;
}
