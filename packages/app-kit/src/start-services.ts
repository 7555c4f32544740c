import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import type { OutboxIngestClient } from '@llm-meter/meter-outbox';
import {
  createOpenMeterClient,
  type OpenMeterClient,
  OpenMeterClientError,
  OpenMeterError,
  type OpenMeterMeterReader,
  resolveOpenMeterApi,
} from '@llm-meter/openmeter-client';
import {
  createOpenMeterV3Client,
  createV3MeterReader,
  type OpenMeterV3Client,
} from '@llm-meter/openmeter-client/v3';
import OpenAI from 'openai';
import { AppConfigError } from './app-config-error.js';
import { connectOpenMeter } from './connect-openmeter.js';
import { createCustomerIngest } from './create-customer-ingest.js';
import { createTokenTypeIngest } from './create-token-type-ingest.js';
import { type CostFeature, ensureCostFeature } from './ensure-cost-feature.js';
import { ensureCustomers } from './ensure-customers.js';
import {
  type AppDataPath,
  explainDataPathError,
  findSystemError,
} from './explain-data-path-error.js';
import type { UsageTableRow, UsageTableTokens } from './format-usage-table.js';
import { importEmbeddedServer } from './import-embedded-server.js';
import { type AppConfig, usesEmbeddedProvider } from './load-app-config.js';

/** The connected services of an app run, and how to stop the embedded ones. */
export interface AppServices {
  openai: OpenAI;
  /** Anthropic's Messages API: Anthropic's, the configured server's, or openai-local's. */
  anthropic: Anthropic;
  /** Gemini's generateContent API: Google's, the configured server's, or openai-local's. */
  gemini: GoogleGenAI;
  /** OpenMeter's v1 API, for entitlements (the budget gate): retries on. */
  openmeter: OpenMeterClient;
  /**
   * Where usage is read (the usage table, the reconciliation): the v1 client, or the v3 client
   * through `createV3MeterReader` when `OPENMETER_API_VERSION` is v3. Retries on.
   */
  meterReader: OpenMeterMeterReader;
  /**
   * For the outbox, which retries on its own: the v1 or v3 client, retries off; on v3 each usage
   * event goes with its token-type events, which OpenMeter's feature cost query prices.
   */
  openmeterIngest: OutboxIngestClient;
  /**
   * On v3: the client (retries on) and the `llm_token_cost` feature whose cost query is checked
   * against the toolkit's prices (or why there is none). Undefined on v1.
   */
  v3?: { client: OpenMeterV3Client; costFeature: CostFeature } | undefined;
  /**
   * Where OpenAI's organisation Usage and Costs APIs are read for the reconciliation, with the
   * admin key they take: openai-local's (a key made up for the run), or OpenAI's with
   * `OPENAI_ADMIN_KEY`. Undefined: no admin key, no reconciliation.
   */
  openaiAdmin: AdminEndpoint | undefined;
  /**
   * Where Anthropic's Admin API usage and cost reports are read: openai-local's (a key made up for
   * the run), or Anthropic's with `ANTHROPIC_ADMIN_KEY`. Undefined: no reconciliation of Claude.
   */
  anthropicAdmin: AdminEndpoint | undefined;
  close(): Promise<void>;
}

/** The providers an app's configuration connects (`AppConfig`'s keys). */
export type AppProvider = 'openai' | 'anthropic' | 'gemini';

const appProviders: readonly AppProvider[] = ['openai', 'anthropic', 'gemini'];

/** A provider's usage-report API and the admin key it takes; `local`: openai-local's. */
export interface AdminEndpoint {
  baseUrl: string;
  adminKey: string;
  local: boolean;
}

const openaiDefaultBaseUrl = 'https://api.openai.com/v1';
const anthropicDefaultBaseUrl = 'https://api.anthropic.com';

/** The settings that would make the embedded simulator unnecessary, for a missing install. */
function describeUnconfigured(embedded: Record<AppProvider, boolean>) {
  const settings = {
    openai: 'OPENAI_API_KEY or OPENAI_BASE_URL',
    anthropic: 'ANTHROPIC_API_KEY or ANTHROPIC_BASE_URL',
    gemini: 'GEMINI_API_KEY or GEMINI_BASE_URL',
  };
  return (Object.keys(settings) as Array<keyof typeof settings>)
    .filter((provider) => embedded[provider])
    .map((provider) => settings[provider])
    .join(', ');
}

/** The meters the usage table reads; they must exist on the OpenMeter the app talks to. */
export const usageTableMeters = {
  prompt_tokens: 'llm_prompt_tokens',
  cached_tokens: 'llm_cached_tokens',
  completion_tokens: 'llm_completion_tokens',
  total_tokens: 'llm_tokens_total',
} as const satisfies { [Field in keyof UsageTableTokens]: string };

/**
 * Meters the usage table reads when they exist: a deployment created before them still starts,
 * and the table says what it cannot price apart.
 */
export const optionalUsageTableMeters = {
  cache_write_tokens: 'llm_cache_write_tokens',
  cache_write_1h_tokens: 'llm_cache_write_1h_tokens',
} as const satisfies { [Field in keyof UsageTableRow]?: string };

/**
 * Connects to OpenAI, Anthropic, Gemini and OpenMeter, starting openai-local (which answers all
 * three providers) for the providers not configured and openmeter-local when OpenMeter is not,
 * announcing each default in one line. Creates the data directories first
 * (the outbox's, and the embedded servers' when they start): a path that cannot be created or
 * opened is an `AppConfigError` naming the variable to change (`LLM_METER_DATA_DIR`,
 * `LLM_METER_OUTBOX_DIR`, `OPENMETER_LOCAL_DB`). Checks OpenMeter before any work: a wrong key,
 * an unreachable URL or a missing meter is an `AppConfigError` saying what to do (with
 * `openmeterUnreachable: 'warn'`, an OpenMeter that cannot be reached is one warning line).
 */
export async function startServices({
  config,
  announce,
  openmeterUnreachable = 'stop',
  warn = announce,
  providers = appProviders,
  costCheck = false,
}: {
  config: AppConfig;
  announce: (line: string) => void;
  /**
   * An OpenMeter that cannot be reached at start (no connection, or a 5xx): `stop` (default)
   * stops the start, for apps that run their calls and exit; `warn` says so in one line and goes
   * on, for a long-running process whose outbox journals the events and delivers them once
   * OpenMeter answers. A refused key or a missing meter stops the start either way.
   */
  openmeterUnreachable?: 'stop' | 'warn' | undefined;
  /** Where the `warn` line goes; default `announce`. */
  warn?: ((line: string) => void) | undefined;
  /**
   * The providers the caller sends calls to; openai-local starts only for those of them left
   * unconfigured. Default all three. The proxy passes `['openai']`: its Anthropic and Gemini
   * upstreams default to the providers' own APIs, which its callers' keys reach.
   */
  providers?: readonly AppProvider[] | undefined;
  /**
   * On v3, whether this app checks OpenMeter's feature cost against the toolkit's prices, and so
   * sends each usage event's token-type events (up to four more events per usage event, which
   * slows delivery: see the README); `LLM_METER_COST_CHECK` overrides it. Default false; the
   * main job (`runApp`) passes true, as it prints the check.
   */
  costCheck?: boolean | undefined;
}): Promise<AppServices> {
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer();
  };
  const createDirectory = async ({
    directory,
    dataPath,
    action = 'create',
    path = directory,
  }: {
    directory: string;
    dataPath: AppDataPath;
    /** How the message names the failure, when the directory holds the path (a file's folder). */
    action?: string;
    path?: string;
  }) => {
    try {
      await mkdir(directory, { recursive: true });
    } catch (error) {
      throw explainDataPathError({ error, config, dataPath, action, path });
    }
  };
  try {
    // The caller opens its outbox there: a directory that cannot be made fails before anything
    // starts, naming its variable.
    await createDirectory({ directory: config.outboxDir, dataPath: 'outbox' });
    let openaiBaseUrl = config.openai.baseUrl;
    let openaiKey = config.openai.apiKey;
    let openaiAdmin: AppServices['openaiAdmin'] =
      config.openai.adminKey === undefined
        ? undefined
        : {
            baseUrl: openaiBaseUrl ?? openaiDefaultBaseUrl,
            adminKey: config.openai.adminKey,
            local: false,
          };
    let anthropicBaseUrl = config.anthropic.baseUrl;
    let anthropicKey = config.anthropic.apiKey;
    let anthropicAdmin: AppServices['anthropicAdmin'] =
      config.anthropic.adminKey === undefined
        ? undefined
        : {
            baseUrl: anthropicBaseUrl ?? anthropicDefaultBaseUrl,
            adminKey: config.anthropic.adminKey,
            local: false,
          };
    let geminiBaseUrl = config.gemini.baseUrl;
    let geminiKey = config.gemini.apiKey;
    // Each provider left unconfigured is answered by one embedded openai-local.
    const embedded = {
      openai: providers.includes('openai') && usesEmbeddedProvider(config.openai),
      anthropic: providers.includes('anthropic') && usesEmbeddedProvider(config.anthropic),
      gemini: providers.includes('gemini') && usesEmbeddedProvider(config.gemini),
    };
    if (embedded.openai || embedded.anthropic || embedded.gemini) {
      // The simulators are loaded only when used: a configured app never loads them (nor the
      // native SQLite addon openmeter-local needs).
      const { startOpenAILocal, usageLedgerFileName } = await importEmbeddedServer({
        name: '@llm-meter/openai-local',
        settings: describeUnconfigured(embedded),
      });
      const { localDataDir, localServeTier } = config.openai;
      const ledger = join(localDataDir, usageLedgerFileName);
      const firstLedger = !existsSync(ledger);
      // Made up per run: only this process reads openai-local's organisation endpoints.
      const adminKey = `sk-admin-local-${randomBytes(12).toString('hex')}`;
      await createDirectory({ directory: localDataDir, dataPath: 'openai-local' });
      const local = await startOpenAILocal({
        tokensPerSecond: config.localTokensPerSecond,
        port: config.openai.localPort,
        adminKey,
        dataDir: localDataDir,
        ...(localServeTier === undefined ? {} : { serveTier: localServeTier }),
      }).catch((error: unknown) => {
        // The ledger that cannot be read or opened (a directory in its place, a read-only file);
        // a socket error (listen) is not about the data directory.
        const system = findSystemError(error);
        if (system === undefined || system.syscall === 'listen') throw error;
        throw explainDataPathError({
          error,
          config,
          dataPath: 'openai-local',
          action: 'open',
          path: system.path ?? ledger,
        });
      });
      closers.push(() => local.close());
      const served: string[] = [];
      if (embedded.openai) {
        openaiBaseUrl = local.url;
        openaiKey = 'openai-local';
        openaiAdmin = { baseUrl: local.url, adminKey, local: true };
        served.push('OpenAI (no OPENAI_API_KEY)');
      }
      if (embedded.anthropic) {
        anthropicBaseUrl = local.origin;
        anthropicKey = 'openai-local';
        anthropicAdmin = { baseUrl: local.origin, adminKey, local: true };
        served.push('Anthropic (no ANTHROPIC_API_KEY)');
      }
      if (embedded.gemini) {
        geminiBaseUrl = local.origin;
        geminiKey = 'openai-local';
        served.push('Gemini (no GEMINI_API_KEY)');
      }
      announce(
        `${served.join(', ')}: using the local simulator at ${local.origin} (usage ledger ${ledger}${
          localServeTier === undefined ? '' : `, serving every OpenAI request at ${localServeTier}`
        })`,
      );
      if (
        firstLedger &&
        config.openmeter.url === undefined &&
        existsSync(config.openmeter.localDbPath)
      ) {
        announce(
          `openai-local starts its usage ledger now: usage metered earlier in ${config.openmeter.localDbPath} has no counterpart in it and shows as drift in today's reconciliation (delete ${dirname(localDataDir)} to start both afresh)`,
        );
      }
    }
    // A base URL without a key (a local server, a proxy holding the key) gets a placeholder the
    // server ignores.
    const openai = new OpenAI({
      apiKey: openaiKey ?? 'unused',
      baseURL: openaiBaseUrl,
      maxRetries: 2,
    });
    const anthropic = new Anthropic({
      apiKey: anthropicKey ?? 'unused',
      ...(anthropicBaseUrl === undefined ? {} : { baseURL: anthropicBaseUrl }),
      maxRetries: 2,
    });
    const gemini = new GoogleGenAI({
      apiKey: geminiKey ?? 'unused',
      ...(geminiBaseUrl === undefined ? {} : { httpOptions: { baseUrl: geminiBaseUrl } }),
    });

    const connected = await connectOpenMeter({ config, announce });
    closers.push(() => connected.close());
    const openmeterUrl = connected.url;
    const clientOptions = connected.clientOptions;
    const api = resolveOpenMeterApi({ url: openmeterUrl, apiVersion: config.openmeter.apiVersion });
    const v1Options = {
      ...clientOptions,
      baseUrl: api.apiVersion === 'v1' ? api.baseUrl : openmeterUrl.replace(/\/(api\/)?v3\/*$/, ''),
    };
    const openmeter = createOpenMeterClient({ ...v1Options, retry: { maxElapsedMs: 10_000 } });
    let meterReader: OpenMeterMeterReader = openmeter;
    let openmeterIngest: OutboxIngestClient = createOpenMeterClient({
      ...clientOptions,
      retry: false,
    });
    // Without retries when a down OpenMeter is no reason to stop: the start is not held up.
    let startReader: OpenMeterMeterReader =
      openmeterUnreachable === 'warn'
        ? createOpenMeterClient({ ...v1Options, retry: false })
        : openmeter;
    let v3: OpenMeterV3Client | undefined;
    let costFeature: CostFeature | undefined;
    const checksCost = config.openmeter.costCheck ?? costCheck;
    if (api.apiVersion === 'v3') {
      const v3Options = { ...clientOptions, baseUrl: api.baseUrl };
      v3 = createOpenMeterV3Client({ ...v3Options, retry: { maxElapsedMs: 10_000 } });
      meterReader = createV3MeterReader({ client: v3 });
      const v3Ingest = createOpenMeterV3Client({ ...v3Options, retry: false });
      openmeterIngest = createCustomerIngest({
        // The token-type events only serve OpenMeter's feature cost query (the cost check):
        // LLM_METER_COST_CHECK=off sends the usage events alone.
        client: checksCost
          ? createTokenTypeIngest({
              client: v3Ingest,
              usageEventType: config.eventType,
              onRefused: ({ usageEventIds, error }) =>
                warn(
                  `OpenMeter v3 refused the token-type events of ${usageEventIds.length} usage event(s) (${usageEventIds.slice(0, 3).join(', ')}${usageEventIds.length > 3 ? ', ...' : ''}: ${(error as Error).message}); the usage events themselves were delivered. OpenMeter's feature cost query misses them, so the cost check shows the difference; they are not sent again (LLM_METER_COST_CHECK=off stops sending token-type events).`,
                ),
            })
          : v3Ingest,
        customers: v3Ingest,
        known: config.subjects,
        announce,
        onError: (error) =>
          warn(
            `OpenMeter v3: could not check the customers of a batch's subjects (${(error as Error).message}); the batch is sent, the check is tried again with the next one`,
          ),
      });
      startReader =
        openmeterUnreachable === 'warn' ? createV3MeterReader({ client: v3Ingest }) : meterReader;
      announce(`OpenMeter's v3 API at ${api.baseUrl} (OPENMETER_API_VERSION=v3)`);
    }
    try {
      await checkMeters({
        client: startReader,
        url: api.apiVersion === 'v3' ? api.baseUrl : openmeterUrl,
        eventType: config.eventType,
        apiKey: config.openmeter.apiKey,
      });
      if (v3 !== undefined) {
        const client = v3;
        await (async () => {
          await ensureCustomers({ client, subjects: config.subjects, announce });
          costFeature = checksCost
            ? await ensureCostFeature({ client, announce })
            : {
                status: 'missing',
                reason:
                  'no token-type events are sent for OpenMeter to price (LLM_METER_COST_CHECK=on sends them)',
              };
        })().catch((error: unknown) => {
          throw explainOpenMeterError({
            error,
            url: api.baseUrl,
            apiKey: config.openmeter.apiKey,
          });
        });
      }
    } catch (error) {
      const cause = error instanceof AppConfigError ? error.cause : error;
      if (openmeterUnreachable !== 'warn' || !isUnreachable(cause)) throw error;
      warn(
        `OpenMeter at ${openmeterUrl} cannot be reached (${(cause as Error).message}): starting anyway. Usage events are journaled in ${config.outboxDir} and delivered once it answers; its meters were not checked (see the README, "Meters to create"; OPENMETER_URL names it).`,
      );
    }
    return {
      openai,
      anthropic,
      gemini,
      openmeter,
      meterReader,
      openmeterIngest,
      ...(v3 === undefined
        ? {}
        : {
            v3: {
              client: v3,
              costFeature: costFeature ?? {
                status: 'missing',
                reason: 'OpenMeter could not be reached at start',
              },
            },
          }),
      openaiAdmin,
      anthropicAdmin,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Checks that OpenMeter at `url` answers and has the usage table's meters (all missing ones named
 * at once) and, with `eventType`, that they count that event type: an `AppConfigError` saying
 * what to set otherwise.
 */
export async function checkMeters({
  client,
  url,
  eventType,
  apiKey,
}: {
  client: OpenMeterMeterReader;
  url: string;
  /** The type the app sends; undefined: only reading, any type will do. */
  eventType: string | undefined;
  apiKey: string | undefined;
}): Promise<void> {
  const missing: string[] = [];
  const found: Array<{
    slug: string;
    meter: Awaited<ReturnType<OpenMeterMeterReader['meters']['get']>>;
  }> = [];
  for (const slug of Object.values(usageTableMeters)) {
    try {
      found.push({ slug, meter: await client.meters.get(slug) });
    } catch (error) {
      if (error instanceof OpenMeterError && error.status === 404) missing.push(slug);
      else throw explainOpenMeterError({ error, url, apiKey });
    }
  }
  if (missing.length > 0) {
    const names = missing.map((slug) => `"${slug}"`).join(', ');
    throw new AppConfigError(
      `OpenMeter at ${url} has no meter ${names}: create the LLM token meters first (see the README, "Meters to create"; packages/meter-core/meters/).`,
    );
  }
  for (const { slug, meter } of found) {
    // A meter on another event type would silently count none of this app's events.
    if (eventType !== undefined && meter.eventType !== eventType) {
      throw new AppConfigError(
        `OpenMeter meter "${slug}" at ${url} counts events of type "${meter.eventType}", but the app sends type "${eventType}": set LLM_METER_EVENT_TYPE=${meter.eventType} or change the meter.`,
      );
    }
  }
}

/** An OpenMeter that did not answer, or answered with a server error: down, not misconfigured. */
function isUnreachable(error: unknown): boolean {
  if (error instanceof OpenMeterError) return error.status >= 500;
  return error instanceof OpenMeterClientError;
}

/** Turns an OpenMeter failure at start into a message that says what to do. */
export function explainOpenMeterError({
  error,
  url,
  apiKey,
}: {
  error: unknown;
  url: string;
  /** The configured key, to tell a missing key from a refused one. */
  apiKey?: string | undefined;
}): Error {
  if (error instanceof OpenMeterError && error.status === 401 && !apiKey) {
    return new AppConfigError(
      `OpenMeter at ${url} requires an API key (401): set OPENMETER_API_KEY.`,
      { cause: error },
    );
  }
  if (error instanceof OpenMeterError && (error.status === 401 || error.status === 403)) {
    return new AppConfigError(
      `OpenMeter at ${url} refused the API key (${error.status}): check OPENMETER_API_KEY.`,
      { cause: error },
    );
  }
  if (error instanceof OpenMeterClientError && !(error instanceof OpenMeterError)) {
    return new AppConfigError(`${error.message} Check OPENMETER_URL.`, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}
