import { describe, expect, it } from 'vitest';
import { createChaosSchedule } from './create-chaos-schedule.js';
import { ChaosSettingsError, parseChaosSettings } from './parse-chaos-settings.js';

describe('parseChaosSettings', () => {
  it("defaults to issue 26's run", () => {
    expect(parseChaosSettings({ env: {} })).toMatchObject({
      seconds: 40,
      clients: 8,
      kills: 2,
      outageSeconds: 8,
      abortAfter: 6,
      abortGraceMs: undefined,
      breakAfterAbort: false,
      fetch: 'undici',
    });
    expect(parseChaosSettings({ env: { CHAOS_FETCH: 'builtin' } }).fetch).toBe('builtin');
  });

  it('names the variable to change', () => {
    expect(() => parseChaosSettings({ env: { CHAOS_CLIENTS: 'eight' } })).toThrow(
      new ChaosSettingsError(
        'CHAOS_CLIENTS="eight" is not a whole number from 1 to 256: set CHAOS_CLIENTS to one, or unset it for 8',
      ),
    );
    expect(() => parseChaosSettings({ env: { CHAOS_SECONDS: '5' } })).toThrow(
      'CHAOS_OUTAGE_SECONDS=8 does not fit in a run of CHAOS_SECONDS=5',
    );
    expect(() => parseChaosSettings({ env: { CHAOS_FETCH: 'node' } })).toThrow(
      'CHAOS_FETCH="node" is not one of undici, builtin: set CHAOS_FETCH to one, or unset it for undici',
    );
  });
});

describe('createChaosSchedule', () => {
  it('centres the outage and spreads the kills over the time outside it', () => {
    expect(createChaosSchedule({ seconds: 40, kills: 2, outageSeconds: 8 })).toEqual({
      killsAtMs: [10_667, 29_333],
      outage: { startMs: 16_000, endMs: 24_000 },
    });
    expect(createChaosSchedule({ seconds: 40, kills: 3, outageSeconds: 8 }).killsAtMs).toEqual([
      8_000, 24_000, 32_000,
    ]);
    expect(createChaosSchedule({ seconds: 40, kills: 1, outageSeconds: 0 }).killsAtMs).toEqual([
      20_000,
    ]);
    expect(createChaosSchedule({ seconds: 10, kills: 0, outageSeconds: 0 })).toEqual({
      killsAtMs: [],
      outage: undefined,
    });
  });
});
