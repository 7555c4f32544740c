import { describe, expect, it } from 'vitest';
import { loadProxyConfig } from './load-proxy-config.js';

const noFile = (path: string): string => {
  throw new Error(`ENOENT: no such file, open '${path}'`);
};

describe('loadProxyConfig', () => {
  it('has defaults that need no setting', () => {
    expect(loadProxyConfig({ env: {}, readFile: noFile })).toEqual({
      host: '127.0.0.1',
      port: 8787,
      subjects: {
        header: 'openmeter-subject',
        keySubjects: new Map(),
        trustRequestUser: false,
        defaultSubject: undefined,
      },
      useServerKey: false,
      upstreams: {
        anthropic: { baseUrl: undefined, apiKey: undefined },
        google: { baseUrl: undefined, apiKey: undefined },
      },
      budgetFeature: undefined,
      redisUrl: undefined,
      maxBodyBytes: 33_554_432,
      allowedRoutes: undefined,
      abortGraceMs: 200,
      accessLog: undefined,
    });
    expect(
      loadProxyConfig({ env: { LLM_METER_PROXY_ABORT_GRACE_MS: '0' }, readFile: noFile })
        .abortGraceMs,
    ).toBe(0);
  });

  it("reads Anthropic's and Gemini's upstreams, their keys used only with mapped keys", () => {
    const env = {
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:9000/',
      ANTHROPIC_API_KEY: 'sk-ant-server',
      GEMINI_BASE_URL: 'https://generativelanguage.googleapis.com',
      GEMINI_API_KEY: 'gemini-server',
    };
    expect(loadProxyConfig({ env, readFile: noFile }).upstreams).toEqual({
      anthropic: { baseUrl: 'http://127.0.0.1:9000', apiKey: undefined },
      google: { baseUrl: 'https://generativelanguage.googleapis.com', apiKey: undefined },
    });
    const mapped = loadProxyConfig({
      env: { ...env, LLM_METER_PROXY_KEYS: 'sk-a=acme' },
      readFile: noFile,
    });
    expect(mapped.upstreams.anthropic.apiKey).toBe('sk-ant-server');
    expect(mapped.upstreams.google.apiKey).toBe('gemini-server');
    expect(mapped.useServerKey).toBe(false);
  });

  it('refuses a provider base URL with the API version the SDKs add, naming the fix', () => {
    expect(() =>
      loadProxyConfig({
        env: { GEMINI_BASE_URL: 'http://127.0.0.1:9000/v1beta' },
        readFile: noFile,
      }),
    ).toThrow('Set GEMINI_BASE_URL=http://127.0.0.1:9000');
    expect(() =>
      loadProxyConfig({ env: { ANTHROPIC_BASE_URL: 'api.anthropic.com' }, readFile: noFile }),
    ).toThrow('ANTHROPIC_BASE_URL must be a URL such as https://api.anthropic.com');
  });

  it.each([
    ['0', undefined],
    ['off', undefined],
    ['stdout', { kind: 'stdout' }],
    ['1', { kind: 'stdout' }],
    ['logs/access.jsonl', { kind: 'file', path: 'logs/access.jsonl' }],
  ])('reads LLM_METER_PROXY_ACCESS_LOG=%s', (value, accessLog) => {
    expect(
      loadProxyConfig({ env: { LLM_METER_PROXY_ACCESS_LOG: value }, readFile: noFile }).accessLog,
    ).toEqual(accessLog);
  });

  it('reads the allowed pass-through routes', () => {
    const config = loadProxyConfig({
      env: { LLM_METER_PROXY_ALLOWED_PATHS: 'GET /v1/models, /v1/files/*' },
      readFile: noFile,
    });
    expect(config.allowedRoutes).toEqual([
      { method: 'GET', path: '/v1/models', prefix: false },
      { method: '*', path: '/v1/files', prefix: true },
    ]);
  });

  it('reads keys from a file and the environment; the server key is used only with mapped keys', () => {
    const config = loadProxyConfig({
      env: {
        LLM_METER_PROXY_KEYS_FILE: 'keys.txt',
        LLM_METER_PROXY_KEYS: 'sk-b=customer-b',
        OPENAI_API_KEY: 'sk-upstream',
        LLM_METER_PROXY_SUBJECT_HEADER: 'X-Customer',
      },
      readFile: () => 'sk-a=customer-a\n',
    });
    expect(config.subjects.keySubjects).toEqual(
      new Map([
        ['sk-a', 'customer-a'],
        ['sk-b', 'customer-b'],
      ]),
    );
    expect(config.subjects.header).toBe('x-customer');
    expect(config.useServerKey).toBe(true);
    expect(
      loadProxyConfig({ env: { OPENAI_API_KEY: 'sk-upstream' }, readFile: noFile }).useServerKey,
    ).toBe(false);
  });

  it.each([
    [
      { LLM_METER_PROXY_PORT: '80a' },
      'LLM_METER_PROXY_PORT must be a whole number from 0 to 65535, got "80a"',
    ],
    [
      { LLM_METER_PROXY_ABORT_GRACE_MS: '2s' },
      'LLM_METER_PROXY_ABORT_GRACE_MS must be a whole number from 0 to 60000, got "2s"',
    ],
    [
      { LLM_METER_PROXY_TRUST_REQUEST_USER: 'yes' },
      'LLM_METER_PROXY_TRUST_REQUEST_USER must be 1 or 0, got "yes"',
    ],
    [
      { LLM_METER_PROXY_KEYS_FILE: 'missing.txt' },
      "LLM_METER_PROXY_KEYS_FILE: cannot read missing.txt: ENOENT: no such file, open 'missing.txt'",
    ],
    [
      { LLM_METER_PROXY_KEYS: 'sk-only-a-key-here' },
      'LLM_METER_PROXY_KEYS: entry 1 of the key → subject map is not key=subject: "sk-…here"',
    ],
    [
      { LLM_METER_PROXY_SUBJECT_HEADER: 'bad header' },
      'LLM_METER_PROXY_SUBJECT_HEADER must be a header name such as OpenMeter-Subject, got "bad header"',
    ],
    [
      { LLM_METER_PROXY_ALLOWED_PATHS: 'GET /v1/models, files' },
      'LLM_METER_PROXY_ALLOWED_PATHS: cannot read the route "files": write [METHOD] /v1/path (or /v1beta/path), e.g. "GET /v1/models" or "/v1/files/*"',
    ],
  ])('refuses %o', (env, message) => {
    expect(() => loadProxyConfig({ env, readFile: noFile })).toThrow(message);
  });
});
