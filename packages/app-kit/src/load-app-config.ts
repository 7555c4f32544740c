import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ServiceTier } from '@llm-meter/openai-local';
import { type OpenMeterApiVersion, resolveOpenMeterApi } from '@llm-meter/openmeter-client';
import { AppConfigError } from './app-config-error.js';

/** Everything the apps read from the environment (or a `.env` file). */
export interface AppConfig {
  openai: {
    /** Undefined: the app starts openai-local. */
    apiKey: string | undefined;
    baseUrl: string | undefined;
    /** One or more models; the blocking app spreads its prompts over them. */
    models: string[];
    /**
     * OpenAI organisation admin key (`OPENAI_ADMIN_KEY`) for the Usage and Costs APIs the
     * reconciliation reads; undefined: no reconciliation against a configured OpenAI.
     */
    adminKey: string | undefined;
    /** Where openai-local keeps its usage ledger, so reconciliation spans runs. */
    localDataDir: string;
    /** Tier openai-local serves every request on, whatever the request asks (`OPENAI_LOCAL_SERVE_TIER`). */
    localServeTier: OpenAILocalServeTier | undefined;
    /** `OPENAI_LOCAL_PORT`: openai-local's port; 0 (default) a free one each start. */
    localPort: number;
  };
  /**
   * Anthropic's Messages API (`ANTHROPIC_API_KEY`, `ANTHROPIC_BASE_URL`, `ANTHROPIC_MODEL`); both
   * unset: the embedded openai-local answers it.
   */
  anthropic: AppProviderConfig & {
    /**
     * Anthropic Admin API key (`ANTHROPIC_ADMIN_KEY`) for the usage and cost reports the
     * reconciliation reads; undefined: no reconciliation against a configured Anthropic.
     */
    adminKey: string | undefined;
  };
  /**
   * Gemini's generateContent API (`GEMINI_API_KEY`, `GEMINI_BASE_URL`, `GEMINI_MODEL`); both
   * unset: the embedded openai-local answers it.
   */
  gemini: AppProviderConfig;
  openmeter: {
    /** Undefined: the app starts openmeter-local on `localDbPath`. */
    url: string | undefined;
    /**
     * Which of OpenMeter's APIs events are sent to and meters read from
     * (`OPENMETER_API_VERSION`): `v1`, or `v3`, the default for a Kong Konnect URL
     * (`https://{region}.api.konghq.com`, which serves only v3).
     */
    apiVersion: OpenMeterApiVersion;
    /**
     * `LLM_METER_COST_CHECK` (`on` or `off`; undefined: the app's default, on for the main job,
     * which prints the check, off for the proxy): on v3, whether each usage event is sent with
     * its token-type events (up to four more events) so OpenMeter's feature cost query can be
     * checked against the toolkit's prices. Ignored on v1, which sends none.
     */
    costCheck: boolean | undefined;
    apiKey: string | undefined;
    localDbPath: string;
    /** `OPENMETER_LOCAL_PORT`: openmeter-local's port; 0 (default) a free one each start. */
    localPort: number;
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
  /** `LLM_METER_DATA_DIR`, absolute: where the embedded servers' data and the outboxes live. */
  dataDir: string;
  /** Tokens per second of openai-local's streams. */
  localTokensPerSecond: number;
  /**
   * The path variables as they were set (undefined: unset, the default applies), so an error
   * about a path names the variable that decides it.
   */
  pathVariables: AppPathVariables;
}

/** One provider's connection and the demo's models on it. */
export interface AppProviderConfig {
  /** Undefined (and `baseUrl` too): the app sends this provider's calls to openai-local. */
  apiKey: string | undefined;
  /** The host the provider's SDK adds its versioned paths to (no `/v1`, no `/v1beta`). */
  baseUrl: string | undefined;
  /** One or more models; an app spreads its prompts over them. */
  models: string[];
}

/** The variables that decide where an app keeps its data, as set (undefined: unset). */
export interface AppPathVariables {
  LLM_METER_DATA_DIR: string | undefined;
  LLM_METER_OUTBOX_DIR: string | undefined;
  OPENMETER_LOCAL_DB: string | undefined;
}

/** Tiers openai-local can serve instead of the requested one (its `ServiceTier`). */
export type OpenAILocalServeTier = ServiceTier;

// The list is written out: a value import of openai-local would load the simulator (and its
// dependencies) in every app, also in those configured to use OpenAI. Typed by openai-local's
// own tier type, so a tier it does not know fails to compile.
const serveTiers: readonly ServiceTier[] = ['default', 'flex', 'priority', 'scale'];

/** What each app chooses for itself: the demo's models and subjects. */
export interface AppDemoDefaults {
  models: readonly string[];
  subjects: readonly string[];
}

/** The defaults the README's table documents, apart from each app's demo defaults. */
export const appConfigDefaults = {
  eventSource: 'llm-meter',
  eventType: 'openai',
  dataDir: '.llm-meter',
  localTokensPerSecond: 200,
  /**
   * `ANTHROPIC_MODEL`: one Claude model, whose minimum cacheable prompt (1,024 tokens) the
   * blocking app's handbook passes, so its cache writes and reads show.
   */
  anthropicModels: ['claude-sonnet-4-5'],
  /** `GEMINI_MODEL`: one Gemini model. */
  geminiModels: ['gemini-2.5-flash'],
} as const;

/**
 * Whether a provider's calls go to the embedded openai-local: neither its key nor its base URL
 * is set.
 */
export function usesEmbeddedProvider(provider: { apiKey?: unknown; baseUrl?: unknown }): boolean {
  return provider.apiKey === undefined && provider.baseUrl === undefined;
}

/**
 * The repository root: the nearest directory at or above `from` holding `pnpm-workspace.yaml`,
 * else `from` itself (an app installed on its own).
 */
export function findRepositoryRoot(from: string): string {
  for (let directory = resolve(from); ; directory = dirname(directory)) {
    if (existsSync(join(directory, 'pnpm-workspace.yaml'))) return directory;
    if (dirname(directory) === directory) return resolve(from);
  }
}

/**
 * Reads the app configuration from `env`, after loading the one `.env` file at the repository
 * root when it exists (variables already set win; `LLM_METER_DOTENV=0` skips the file). Relative
 * paths are taken from where the command was typed (`INIT_CWD`, which pnpm sets, else `cwd`).
 * Throws `AppConfigError` naming a bad variable.
 */
export function loadAppConfig({
  app,
  defaults,
  env = process.env,
  cwd = process.cwd(),
}: {
  /** Names the app's own outbox directory: one outbox per process. */
  app: string;
  /** The app's demo models and subjects, used when OPENAI_MODEL / LLM_METER_SUBJECTS are unset. */
  defaults: AppDemoDefaults;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}): AppConfig {
  const envFile = join(findRepositoryRoot(cwd), '.env');
  if (env === process.env && env.LLM_METER_DOTENV !== '0' && existsSync(envFile)) {
    try {
      process.loadEnvFile(envFile);
    } catch (error) {
      throw new AppConfigError(`could not read ${envFile}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  const typedIn = env.INIT_CWD?.trim() || cwd;

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
  const url = ({ name, example }: { name: string; example: string }): string | undefined => {
    const value = text(name);
    if (value === undefined) return undefined;
    try {
      const parsed = new URL(value);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
        throw new Error(parsed.protocol);
    } catch (error) {
      throw new AppConfigError(
        `${name} must be an http(s) URL such as ${example}, got "${value}"`,
        {
          cause: error,
        },
      );
    }
    return value;
  };
  /**
   * A provider host for an SDK that adds the versioned path itself (`@anthropic-ai/sdk` adds
   * `/v1/messages`, `@google/genai` `/v1beta/models/...`): a base URL ending in the version would
   * make every call a 404, so it is refused with the value to set instead.
   */
  const hostUrl = ({ name, example }: { name: string; example: string }): string | undefined => {
    const value = url({ name, example });
    if (value === undefined) return undefined;
    const { pathname } = new URL(value);
    if (/\/v1(beta\d*|alpha\d*)?\/?$/.test(pathname)) {
      throw new AppConfigError(
        `${name} must not end in ${pathname.replace(/\/$/, '')}: the SDK adds the version path itself (every call would be a 404). Set ${name}=${value.replace(/\/v1(beta\d*|alpha\d*)?\/?$/, '')}`,
      );
    }
    return value.replace(/\/+$/, '');
  };

  /** A fixed port for an embedded server; unset or 0: a free one each start. */
  const port = (name: string): number => {
    const value = text(name);
    if (value === undefined) return 0;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65_535) {
      throw new AppConfigError(
        `${name} must be a port from 0 to 65535 (0: a free one), got "${value}"`,
      );
    }
    return parsed;
  };
  const dataDir = resolve(typedIn, text('LLM_METER_DATA_DIR') ?? appConfigDefaults.dataDir);
  const tokensPerSecond = Number(
    text('OPENAI_LOCAL_TOKENS_PER_SECOND') ?? appConfigDefaults.localTokensPerSecond,
  );
  if (!Number.isFinite(tokensPerSecond) || tokensPerSecond < 0) {
    throw new AppConfigError(
      'OPENAI_LOCAL_TOKENS_PER_SECOND must be a number >= 0 (0: as fast as possible)',
    );
  }
  const openmeterUrl = url({ name: 'OPENMETER_URL', example: 'https://openmeter.cloud' });
  return {
    openai: {
      apiKey: text('OPENAI_API_KEY'),
      baseUrl: url({ name: 'OPENAI_BASE_URL', example: 'https://api.openai.com/v1' }),
      models: list('OPENAI_MODEL', defaults.models),
      adminKey: text('OPENAI_ADMIN_KEY'),
      localDataDir: resolve(dataDir, 'openai-local'),
      localServeTier: parseServeTier(text('OPENAI_LOCAL_SERVE_TIER')),
      localPort: port('OPENAI_LOCAL_PORT'),
    },
    anthropic: {
      apiKey: text('ANTHROPIC_API_KEY'),
      baseUrl: hostUrl({ name: 'ANTHROPIC_BASE_URL', example: 'https://api.anthropic.com' }),
      models: list('ANTHROPIC_MODEL', appConfigDefaults.anthropicModels),
      adminKey: text('ANTHROPIC_ADMIN_KEY'),
    },
    gemini: {
      apiKey: text('GEMINI_API_KEY'),
      baseUrl: hostUrl({
        name: 'GEMINI_BASE_URL',
        example: 'https://generativelanguage.googleapis.com',
      }),
      models: list('GEMINI_MODEL', appConfigDefaults.geminiModels),
    },
    openmeter: {
      url: openmeterUrl,
      apiVersion: openmeterApiVersion({
        url: openmeterUrl,
        apiVersion: text('OPENMETER_API_VERSION'),
      }),
      costCheck: parseCostCheck(text('LLM_METER_COST_CHECK')),
      apiKey: text('OPENMETER_API_KEY'),
      localDbPath: resolve(dataDir, text('OPENMETER_LOCAL_DB') ?? 'openmeter-local.db'),
      localPort: port('OPENMETER_LOCAL_PORT'),
    },
    subjects: list('LLM_METER_SUBJECTS', defaults.subjects),
    eventSource: text('LLM_METER_EVENT_SOURCE') ?? appConfigDefaults.eventSource,
    eventType: text('LLM_METER_EVENT_TYPE') ?? appConfigDefaults.eventType,
    eventIds: parseEventIds(text('LLM_METER_EVENT_IDS')),
    outboxDir: resolve(dataDir, text('LLM_METER_OUTBOX_DIR') ?? `outbox-${app}`),
    dataDir,
    localTokensPerSecond: tokensPerSecond,
    pathVariables: {
      LLM_METER_DATA_DIR: text('LLM_METER_DATA_DIR'),
      LLM_METER_OUTBOX_DIR: text('LLM_METER_OUTBOX_DIR'),
      OPENMETER_LOCAL_DB: text('OPENMETER_LOCAL_DB'),
    },
  };
}

function parseServeTier(value: string | undefined): OpenAILocalServeTier | undefined {
  if (value === undefined) return undefined;
  const tier = serveTiers.find((known) => known === value);
  if (tier === undefined) {
    throw new AppConfigError(
      `OPENAI_LOCAL_SERVE_TIER must be one of ${serveTiers.join(', ')}, got "${value}"`,
    );
  }
  return tier;
}

function parseCostCheck(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'on') return true;
  if (value === 'off') return false;
  throw new AppConfigError(
    `LLM_METER_COST_CHECK must be "on" (on OpenMeter's v3 API, send each usage event's token-type events so OpenMeter's feature cost is checked against the toolkit's) or "off" (send the usage events only), got "${value}"`,
  );
}

function parseEventIds(value: string | undefined): AppConfig['eventIds'] {
  if (value === undefined || value === 'provider') return 'provider';
  if (value === 'generated') return 'generated';
  throw new AppConfigError(`LLM_METER_EVENT_IDS must be "provider" or "generated", got "${value}"`);
}

function openmeterApiVersion({
  url,
  apiVersion,
}: {
  url: string | undefined;
  apiVersion: string | undefined;
}): OpenMeterApiVersion {
  try {
    return resolveOpenMeterApi({ url: url ?? 'http://127.0.0.1', apiVersion }).apiVersion;
  } catch (error) {
    throw new AppConfigError((error as Error).message, { cause: error });
  }
}
