import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppConfigError } from './app-config-error.js';

/** Everything the apps read from the environment (or a `.env` file). */
export interface AppConfig {
  openai: {
    /** Undefined: the app starts openai-local. */
    apiKey: string | undefined;
    baseUrl: string | undefined;
    /** One or more models; the blocking app spreads its prompts over them. */
    models: string[];
  };
  openmeter: {
    /** Undefined: the app starts openmeter-local on `localDbPath`. */
    url: string | undefined;
    apiKey: string | undefined;
    localDbPath: string;
  };
  subjects: string[];
  eventSource: string;
  eventType: string;
  /**
   * `provider`: the response id is the event id (OpenAI, Azure, vLLM). `generated`: a UUID per
   * request, for servers whose ids repeat (Ollama), which OpenMeter's dedup would otherwise drop.
   */
  eventIds: 'provider' | 'generated';
  outboxDir: string;
  /** Tokens per second of openai-local's streams. */
  localTokensPerSecond: number;
}

/** The defaults the README's table documents. */
export const appConfigDefaults = {
  models: ['gpt-4o-mini', 'gpt-4.1-mini'],
  subjects: ['customer-acme', 'customer-globex', 'customer-initech'],
  eventSource: 'llm-meter',
  eventType: 'openai',
  dataDir: '.llm-meter',
  localTokensPerSecond: 200,
} as const;

/**
 * Reads the app configuration from `env`, after loading `.env` from `cwd` when it exists
 * (variables already set win; `LLM_METER_DOTENV=0` skips the file). Throws `AppConfigError` naming a bad variable.
 * @see https://nodejs.org/api/process.html#processloadenvfilepath
 */
export function loadAppConfig({
  app,
  env = process.env,
  cwd = process.cwd(),
}: {
  /** Names the app's own outbox directory: one outbox per process. */
  app: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}): AppConfig {
  const envFile = resolve(cwd, '.env');
  if (env === process.env && env.LLM_METER_DOTENV !== '0' && existsSync(envFile)) {
    process.loadEnvFile(envFile);
  }

  const text = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const list = (name: string, fallback: readonly string[]): string[] => {
    const value = text(name);
    if (value === undefined) return [...fallback];
    const items = value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
    if (items.length === 0)
      throw new AppConfigError(`${name} must list at least one value, comma-separated`);
    return items;
  };
  const url = (name: string): string | undefined => {
    const value = text(name);
    if (value === undefined) return undefined;
    try {
      const parsed = new URL(value);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
        throw new Error(parsed.protocol);
    } catch {
      throw new AppConfigError(
        `${name} must be an http(s) URL such as https://openmeter.cloud, got "${value}"`,
      );
    }
    return value;
  };

  const dataDir = resolve(cwd, text('LLM_METER_DATA_DIR') ?? appConfigDefaults.dataDir);
  const tokensPerSecond = Number(
    text('OPENAI_LOCAL_TOKENS_PER_SECOND') ?? appConfigDefaults.localTokensPerSecond,
  );
  if (!Number.isFinite(tokensPerSecond) || tokensPerSecond < 0) {
    throw new AppConfigError(
      'OPENAI_LOCAL_TOKENS_PER_SECOND must be a number >= 0 (0: as fast as possible)',
    );
  }
  return {
    openai: {
      apiKey: text('OPENAI_API_KEY'),
      baseUrl: url('OPENAI_BASE_URL'),
      models: list('OPENAI_MODEL', appConfigDefaults.models),
    },
    openmeter: {
      url: url('OPENMETER_URL'),
      apiKey: text('OPENMETER_API_KEY'),
      localDbPath: resolve(dataDir, text('OPENMETER_LOCAL_DB') ?? 'openmeter-local.db'),
    },
    subjects: list('LLM_METER_SUBJECTS', appConfigDefaults.subjects),
    eventSource: text('LLM_METER_EVENT_SOURCE') ?? appConfigDefaults.eventSource,
    eventType: text('LLM_METER_EVENT_TYPE') ?? appConfigDefaults.eventType,
    eventIds: parseEventIds(text('LLM_METER_EVENT_IDS')),
    outboxDir: resolve(dataDir, text('LLM_METER_OUTBOX_DIR') ?? `outbox-${app}`),
    localTokensPerSecond: tokensPerSecond,
  };
}

function parseEventIds(value: string | undefined): AppConfig['eventIds'] {
  if (value === undefined || value === 'provider') return 'provider';
  if (value === 'generated') return 'generated';
  throw new AppConfigError(`LLM_METER_EVENT_IDS must be "provider" or "generated", got "${value}"`);
}
