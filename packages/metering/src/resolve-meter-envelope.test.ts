import { describe, expect, it } from 'vitest';
import { withMeterScope } from './meter-scope.js';
import { MeterSubjectError } from './meter-subject-error.js';
import { resolveMeterEnvelope } from './resolve-meter-envelope.js';

const now = () => new Date('2026-12-08T02:00:00.000Z');
const options = { dimensions: { app: 'options', team: 'options' }, source: 'svc', now };

describe('resolveMeterEnvelope', () => {
  it('bills the call, else the scope, else the default, and merges dimensions in that order', () => {
    const inScope = (call: Parameters<typeof resolveMeterEnvelope>[0]['call']) =>
      withMeterScope(
        { subject: 'scope-subject', dimensions: { team: 'scope', tier: 'scope' } },
        () =>
          resolveMeterEnvelope({
            call,
            options,
            defaultSubject: 'default',
            missingSubject: 'none',
          }),
      );
    expect(inScope({ subject: 'call-subject', dimensions: { tier: 'call' } })).toEqual({
      subject: 'call-subject',
      dimensions: { app: 'options', team: 'scope', tier: 'call' },
      source: 'svc',
      type: undefined,
      provider: undefined,
      encoding: undefined,
      now,
    });
    expect(inScope(undefined)).toMatchObject({
      subject: 'scope-subject',
      dimensions: { app: 'options', team: 'scope', tier: 'scope' },
    });
    expect(
      resolveMeterEnvelope({ options: {}, defaultSubject: 'default', missingSubject: 'none' }),
    ).toMatchObject({ subject: 'default', dimensions: undefined });
  });

  it('refuses a call nobody pays for, or a blank subject, with the given message', () => {
    for (const defaultSubject of [undefined, '', '  ']) {
      expect(() =>
        resolveMeterEnvelope({ options, defaultSubject, missingSubject: 'pass a subject' }),
      ).toThrow(new MeterSubjectError('pass a subject'));
    }
  });

  it('reads the clock only through the injected now, with a real default', () => {
    const envelope = resolveMeterEnvelope({
      options: {},
      defaultSubject: 'default',
      missingSubject: 'none',
    });
    expect(envelope.now?.()).toBeInstanceOf(Date);
  });
});
