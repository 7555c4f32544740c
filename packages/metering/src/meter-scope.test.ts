import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { currentMeterScope, MeterScopeError, withMeterScope, withSubject } from './meter-scope.js';

describe('withMeterScope', () => {
  it('has no scope outside every call', () => {
    expect(currentMeterScope()).toBeUndefined();
  });

  it('keeps concurrent scopes apart across awaits', async () => {
    const seen = await Promise.all(
      ['alice', 'bob', 'carol'].map((subject, index) =>
        withSubject(subject, async () => {
          for (let turn = 0; turn < 3 + index; turn += 1) await nextTurn();
          return currentMeterScope()?.subject;
        }),
      ),
    );
    expect(seen).toEqual(['alice', 'bob', 'carol']);
    expect(currentMeterScope()).toBeUndefined();
  });

  it('lets the inner scope win and merges dimensions', () => {
    const inner = withMeterScope({ subject: 'org-1', dimensions: { team: 'a', app: 'x' } }, () =>
      withMeterScope({ subject: 'user-7', dimensions: { app: 'y' } }, () => currentMeterScope()),
    );
    expect(inner).toEqual({ subject: 'user-7', dimensions: { team: 'a', app: 'y' } });
  });

  it('refuses an empty subject with the fix in the message', () => {
    expect(() => withSubject('  ', () => 1)).toThrow(MeterScopeError);
    expect(() => withSubject('', () => 1)).toThrow(/non-empty subject/);
  });
});
