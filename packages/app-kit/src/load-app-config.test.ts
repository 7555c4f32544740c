import { describe, expect, test } from 'vitest';
import { AppConfigError } from './app-config-error.js';
import { loadAppConfig } from './load-app-config.js';

describe('loadAppConfig', () => {
  test('defaults: embedded services, three subjects, two models, data under .llm-meter', () => {
    const config = loadAppConfig({ app: 'blocking', env: {}, cwd: '/srv/app' });
    expect(config).toEqual({
      openai: { apiKey: undefined, baseUrl: undefined, models: ['gpt-4o-mini', 'gpt-4.1-mini'] },
      openmeter: {
        url: undefined,
        apiKey: undefined,
        localDbPath: '/srv/app/.llm-meter/openmeter-local.db',
      },
      subjects: ['customer-acme', 'customer-globex', 'customer-initech'],
      eventSource: 'llm-meter',
      eventType: 'openai',
      eventIds: 'provider',
      outboxDir: '/srv/app/.llm-meter/outbox-blocking',
      localTokensPerSecond: 200,
    });
  });

  test('reads every variable', () => {
    const config = loadAppConfig({
      app: 'stream',
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
      },
    });
    expect(config.openai).toEqual({
      apiKey: 'sk-test',
      baseUrl: 'http://127.0.0.1:11434/v1',
      models: ['llama3', 'qwen2'],
    });
    expect(config.openmeter.url).toBe('https://openmeter.cloud');
    expect(config.subjects).toEqual(['a', 'b']);
    expect(config.outboxDir).toBe('/var/lib/meter/box');
    expect(config.localTokensPerSecond).toBe(0);
    expect(config.eventIds).toBe('generated');
  });

  test.each([
    {
      env: { OPENMETER_URL: 'openmeter.cloud' },
      message: /OPENMETER_URL must be an http\(s\) URL/,
    },
    { env: { OPENAI_BASE_URL: 'ftp://x' }, message: /OPENAI_BASE_URL must be an http\(s\) URL/ },
    {
      env: { LLM_METER_EVENT_IDS: 'uuid' },
      message: /LLM_METER_EVENT_IDS must be "provider" or "generated"/,
    },
    {
      env: { LLM_METER_SUBJECTS: ' , ' },
      message: /LLM_METER_SUBJECTS must list at least one value/,
    },
    {
      env: { OPENAI_LOCAL_TOKENS_PER_SECOND: 'fast' },
      message: /OPENAI_LOCAL_TOKENS_PER_SECOND must be a number/,
    },
  ])('refuses $env with a message naming the variable', ({ env, message }) => {
    expect(() => loadAppConfig({ app: 'x', env, cwd: '/' })).toThrow(AppConfigError);
    expect(() => loadAppConfig({ app: 'x', env, cwd: '/' })).toThrow(message);
  });
});
