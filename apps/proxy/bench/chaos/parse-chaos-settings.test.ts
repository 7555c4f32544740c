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
    });
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
  });
});

describe('createChaosSchedule', () => {
  it('spreads the kills and centres the outage, moving a kill out of the outage', () => {
    expect(createChaosSchedule({ seconds: 40, kills: 2, outageSeconds: 8 })).toEqual({
      killsAtMs: [13_333, 26_667],
      outage: { startMs: 16_000, endMs: 24_000 },
    });
    expect(createChaosSchedule({ seconds: 40, kills: 3, outageSeconds: 8 }).killsAtMs).toEqual([
      10_000, 24_500, 30_000,
    ]);
    expect(createChaosSchedule({ seconds: 10, kills: 0, outageSeconds: 0 })).toEqual({
      killsAtMs: [],
      outage: undefined,
    });
  });
});
