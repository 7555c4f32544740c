import { describe, expect, test } from 'vitest';
import { checkDashboardToken } from './check-dashboard-token.js';
import { safeParseDashboardArguments } from './parse-dashboard-arguments.js';

const token = 'a-token-of-thirty-two-characters';

describe('safeParseDashboardArguments', () => {
  test.each([
    { argv: [], env: {}, want: { host: '127.0.0.1', port: 8789, token: undefined } },
    { argv: ['--port', '0'], env: { LLM_METER_DASHBOARD_PORT: '9000' }, want: { port: 0 } },
    { argv: [], env: { LLM_METER_DASHBOARD_PORT: '9000' }, want: { port: 9000 } },
    {
      argv: ['--host', '0.0.0.0'],
      env: { LLM_METER_DASHBOARD_TOKEN: token },
      want: { host: '0.0.0.0', token },
    },
    { argv: ['--host', '::1'], env: {}, want: { host: '::1' } },
  ])('$argv $env', ({ argv, env, want }) => {
    const parsed = safeParseDashboardArguments({ argv, env });
    expect(parsed.success).toBe(true);
    if (parsed.success) expect(parsed.value).toMatchObject(want);
  });

  test.each([
    {
      argv: ['--host', '0.0.0.0'],
      env: {},
      want: 'without a token: set LLM_METER_DASHBOARD_TOKEN',
    },
    {
      argv: [],
      env: { LLM_METER_DASHBOARD_HOST: '192.168.1.2' },
      want: 'LLM_METER_DASHBOARD_TOKEN',
    },
    {
      argv: ['--port', '70000'],
      env: {},
      want: '--port must be a port from 0 to 65535, got "70000"',
    },
    {
      argv: [],
      env: { LLM_METER_DASHBOARD_PORT: 'x' },
      want: 'LLM_METER_DASHBOARD_PORT must be a port',
    },
    { argv: [], env: { LLM_METER_DASHBOARD_TOKEN: 'short' }, want: 'shorter than 16 characters' },
  ])('refuses $argv $env', ({ argv, env, want }) => {
    const parsed = safeParseDashboardArguments({ argv, env });
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(parsed.error).toContain(want);
  });
});

describe('checkDashboardToken', () => {
  test.each([
    { given: token, want: true },
    { given: `${token}x`, want: false },
    { given: token.slice(0, -1), want: false },
    { given: '', want: false },
    { given: undefined, want: false },
  ])('$given', ({ given, want }) => {
    expect(checkDashboardToken({ token, given })).toBe(want);
  });
});
