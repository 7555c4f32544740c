import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { AppConfigError } from './app-config-error.js';
import { findRepositoryRoot, loadAppConfig } from './load-app-config.js';

const defaults = { models: ['gpt-4o-mini', 'gpt-4.1-mini'], subjects: ['customer-acme'] };

describe('loadAppConfig', () => {
  test('defaults: embedded services, three subjects, two models, data under .llm-meter', () => {
    const config = loadAppConfig({ app: 'blocking', defaults, env: {}, cwd: '/srv/app' });
    expect(config).toEqual({
      openai: {
        apiKey: undefined,
        baseUrl: undefined,
        models: ['gpt-4o-mini', 'gpt-4.1-mini'],
        adminKey: undefined,
        localDataDir: '/srv/app/.llm-meter/openai-local',
        localServeTier: undefined,
        localPort: 0,
      },
      anthropic: {
        apiKey: undefined,
        baseUrl: undefined,
        models: ['claude-sonnet-4-5'],
        adminKey: undefined,
      },
      gemini: { apiKey: undefined, baseUrl: undefined, models: ['gemini-2.5-flash'] },
      openmeter: {
        url: undefined,
        apiVersion: 'v1',
        costCheck: undefined,
        apiKey: undefined,
        localDbPath: '/srv/app/.llm-meter/openmeter-local.db',
        localPort: 0,
      },
      subjects: ['customer-acme'],
      eventSource: 'llm-meter',
      eventType: 'openai',
      eventIds: 'provider',
      outboxDir: '/srv/app/.llm-meter/outbox-blocking',
      dataDir: '/srv/app/.llm-meter',
      localTokensPerSecond: 200,
      pathVariables: {
        LLM_METER_DATA_DIR: undefined,
        LLM_METER_OUTBOX_DIR: undefined,
        OPENMETER_LOCAL_DB: undefined,
      },
    });
  });

  test('reads every variable', () => {
    const config = loadAppConfig({
      app: 'stream',
      defaults,
      cwd: '/srv/app',
      env: {
        OPENAI_API_KEY: ' sk-test ',
        OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1',
        OPENAI_MODEL: 'llama3, qwen2',
        OPENMETER_URL: 'https://openmeter.cloud',
        OPENMETER_API_KEY: 'om-test',
        LLM_METER_SUBJECTS: 'a,b',
        LLM_METER_EVENT_SOURCE: 'svc',
        LLM_METER_EVENT_TYPE: 'tokens',
        LLM_METER_DATA_DIR: '/var/lib/meter',
        LLM_METER_OUTBOX_DIR: 'box',
        OPENAI_LOCAL_TOKENS_PER_SECOND: '0',
        LLM_METER_EVENT_IDS: 'generated',
        LLM_METER_COST_CHECK: 'off',
        OPENAI_ADMIN_KEY: 'sk-admin-test',
        OPENAI_LOCAL_SERVE_TIER: 'flex',
        OPENAI_LOCAL_PORT: '8080',
        OPENMETER_LOCAL_PORT: '8888',
        ANTHROPIC_API_KEY: 'sk-ant-test',
        ANTHROPIC_BASE_URL: 'http://127.0.0.1:8787/',
        ANTHROPIC_MODEL: 'claude-opus-4-1',
        ANTHROPIC_ADMIN_KEY: 'sk-ant-admin-test',
        GEMINI_API_KEY: 'gm-test',
        GEMINI_BASE_URL: 'https://generativelanguage.googleapis.com',
        GEMINI_MODEL: 'gemini-2.5-pro,gemini-2.5-flash',
      },
    });
    expect(config.anthropic).toEqual({
      apiKey: 'sk-ant-test',
      baseUrl: 'http://127.0.0.1:8787',
      models: ['claude-opus-4-1'],
      adminKey: 'sk-ant-admin-test',
    });
    expect(config.gemini).toEqual({
      apiKey: 'gm-test',
      baseUrl: 'https://generativelanguage.googleapis.com',
      models: ['gemini-2.5-pro', 'gemini-2.5-flash'],
    });
    expect(config.openai).toEqual({
      apiKey: 'sk-test',
      baseUrl: 'http://127.0.0.1:11434/v1',
      models: ['llama3', 'qwen2'],
      adminKey: 'sk-admin-test',
      localDataDir: '/var/lib/meter/openai-local',
      localServeTier: 'flex',
      localPort: 8080,
    });
    expect(config.openmeter.url).toBe('https://openmeter.cloud');
    expect(config.openmeter.localPort).toBe(8888);
    expect(config.openmeter.costCheck).toBe(false);
    expect(config.subjects).toEqual(['a', 'b']);
    expect(config.outboxDir).toBe('/var/lib/meter/box');
    expect(config.pathVariables).toEqual({
      LLM_METER_DATA_DIR: '/var/lib/meter',
      LLM_METER_OUTBOX_DIR: 'box',
      OPENMETER_LOCAL_DB: undefined,
    });
    expect(config.localTokensPerSecond).toBe(0);
    expect(config.eventIds).toBe('generated');
  });

  test.each([
    {
      env: { OPENMETER_URL: 'openmeter.cloud' },
      message: /OPENMETER_URL must be an http\(s\) URL/,
    },
    {
      env: { OPENAI_BASE_URL: 'ftp://x' },
      message: /OPENAI_BASE_URL must be an http\(s\) URL such as https:\/\/api\.openai\.com\/v1,/,
    },
    {
      env: { ANTHROPIC_BASE_URL: 'api.anthropic.com' },
      message: /ANTHROPIC_BASE_URL must be an http\(s\) URL such as https:\/\/api\.anthropic\.com,/,
    },
    {
      env: { ANTHROPIC_BASE_URL: 'https://api.anthropic.com/v1' },
      message:
        /^ANTHROPIC_BASE_URL must not end in \/v1: the SDK adds the version path itself \(every call would be a 404\)\. Set ANTHROPIC_BASE_URL=https:\/\/api\.anthropic\.com$/,
    },
    {
      env: { GEMINI_BASE_URL: 'http://127.0.0.1:8787/v1beta/' },
      message:
        /^GEMINI_BASE_URL must not end in \/v1beta: the SDK adds the version path itself \(every call would be a 404\)\. Set GEMINI_BASE_URL=http:\/\/127\.0\.0\.1:8787$/,
    },
    {
      env: { GEMINI_MODEL: ',' },
      message: /GEMINI_MODEL must list at least one value/,
    },
    {
      env: { LLM_METER_EVENT_IDS: 'uuid' },
      message: /LLM_METER_EVENT_IDS must be "provider" or "generated"/,
    },
    {
      env: { LLM_METER_COST_CHECK: 'yes' },
      message:
        /^LLM_METER_COST_CHECK must be "on" \(on OpenMeter's v3 API, send each usage event's token-type events/,
    },
    {
      env: { LLM_METER_SUBJECTS: ' , ' },
      message: /LLM_METER_SUBJECTS must list at least one value/,
    },
    {
      env: { OPENAI_LOCAL_TOKENS_PER_SECOND: 'fast' },
      message: /OPENAI_LOCAL_TOKENS_PER_SECOND must be a number/,
    },
    {
      env: { OPENMETER_LOCAL_PORT: '70000' },
      message: /OPENMETER_LOCAL_PORT must be a port from 0 to 65535 \(0: a free one\), got "70000"/,
    },
    {
      env: { OPENAI_LOCAL_SERVE_TIER: 'batch' },
      message: /OPENAI_LOCAL_SERVE_TIER must be one of default, flex, priority, scale, got "batch"/,
    },
  ])('refuses $env with a message naming the variable', ({ env, message }) => {
    expect(() => loadAppConfig({ app: 'x', defaults, env, cwd: '/' })).toThrow(AppConfigError);
    expect(() => loadAppConfig({ app: 'x', defaults, env, cwd: '/' })).toThrow(message);
  });

  test('relative paths are taken from where the command was typed (INIT_CWD)', () => {
    const config = loadAppConfig({
      app: 'stream',
      defaults,
      cwd: '/repo/apps/stream',
      env: { INIT_CWD: '/home/me/work', LLM_METER_DATA_DIR: 'data', OPENMETER_LOCAL_DB: 'om.db' },
    });
    expect(config.outboxDir).toBe('/home/me/work/data/outbox-stream');
    expect(config.openmeter.localDbPath).toBe('/home/me/work/data/om.db');
  });

  test('the .env file is looked up at the repository root, whichever app directory runs', () => {
    const root = mkdtempSync(join(tmpdir(), 'app-kit-root-'));
    writeFileSync(join(root, 'pnpm-workspace.yaml'), 'packages: []\n');
    mkdirSync(join(root, 'apps', 'stream', 'src'), { recursive: true });
    try {
      expect(findRepositoryRoot(join(root, 'apps', 'stream', 'src'))).toBe(root);
      expect(findRepositoryRoot('/')).toBe('/');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
