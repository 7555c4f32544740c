import Anthropic from '@anthropic-ai/sdk';
import { ApiError as GeminiApiError } from '@google/genai';
import type { UsageOutbox } from '@llm-meter/meter-outbox';
import { closeOnSignals, createProgressPrinter } from '@llm-meter/meter-outbox/node';
import OpenAI from 'openai';
import { AppConfigError } from './app-config-error.js';
import { compareFeatureCost, formatCostComparison } from './compare-feature-cost.js';
import { formatUsageTable } from './format-usage-table.js';
import { type AppConfig, type AppDemoDefaults, loadAppConfig } from './load-app-config.js';
import { openAppOutbox } from './open-app-outbox.js';
import { queryUsageTable } from './query-usage-table.js';
import { reconcileAppUsage } from './reconcile-app-usage.js';
import { type AppServices, explainOpenMeterError, startServices } from './start-services.js';

/**
 * What an app's main function gets: its arguments, configuration, the provider clients (each the
 * provider's, a configured server's or the embedded openai-local's) and the outbox.
 */
export interface AppContext<Arguments> {
  args: Arguments;
  config: AppConfig;
  openai: OpenAI;
  anthropic: AppServices['anthropic'];
  gemini: AppServices['gemini'];
  /** The OpenMeter client (retries on), e.g. to read entitlement values. */
  openmeter: AppServices['openmeter'];
  outbox: UsageOutbox;
  /** Prints a line to stdout, with any configured key masked. */
  print: (line: string) => void;
}

/**
 * Runs an app: answers `--help` and parses the command line before anything starts or is billed,
 * loads the configuration, starts the services (embedded defaults where nothing is configured),
 * opens the outbox (delivering what an earlier run left journaled), calls `main`, drains the
 * outbox, and prints the usage table with its cost; with `reconcile`, then the reconciliation of
 * the meters with OpenAI's own usage since the day the run started. A bad argument, a configuration problem or a refused key is
 * printed as one clear line and exits with status 1; keys are never printed.
 */
export async function runApp<Arguments>({
  app,
  usage,
  defaults,
  parseArguments,
  argv = process.argv.slice(2),
  reconcile = false,
  now = () => new Date(),
  main,
}: {
  app: string;
  /** The `--help` text: usage line, arguments, and where the configuration comes from. */
  usage: string;
  defaults: AppDemoDefaults;
  /** Parses the arguments (without `--help`); throws an `Error` whose message names what is wrong. */
  parseArguments: (argv: readonly string[]) => Arguments;
  argv?: readonly string[];
  /**
   * End by reconciling the meters with OpenAI's organisation usage (openai-local's on the
   * embedded defaults; OpenAI's only with `OPENAI_ADMIN_KEY`): the last app of a job sets it.
   */
  reconcile?: boolean;
  /** The clock of the run's start and end (the reconciliation's range). Default `() => new Date()`. */
  now?: () => Date;
  main: (context: AppContext<Arguments>) => Promise<void>;
}): Promise<void> {
  let secrets: string[] = [];
  const mask = (text: string) =>
    secrets.reduce((masked, secret) => masked.split(secret).join('***'), text);
  const print = (line: string) => process.stdout.write(`${mask(line)}\n`);
  const printError = (line: string) => process.stderr.write(`${mask(line)}\n`);

  const words = argv.filter((argument) => argument !== '--');
  if (words.includes('--help') || words.includes('-h')) {
    print(usage.trimEnd());
    return;
  }
  let args: Arguments;
  try {
    args = parseArguments(words);
  } catch (error) {
    printError(`error: ${(error as Error).message}`);
    process.exitCode = 1;
    return;
  }

  let services: AppServices | undefined;
  let outbox: UsageOutbox | undefined;
  let loaded: AppConfig | undefined;
  let openaiBaseUrl: string | undefined;
  let openaiApiKeySet = true;
  const startedAt = now();
  try {
    const config = loadAppConfig({ app, defaults });
    loaded = config;
    openaiBaseUrl = config.openai.baseUrl;
    // The embedded openai-local gets a key of its own; a bare OPENAI_BASE_URL gets none.
    openaiApiKeySet = config.openai.apiKey !== undefined || config.openai.baseUrl === undefined;
    secrets = [
      config.openai.apiKey,
      config.openai.adminKey,
      config.anthropic.apiKey,
      config.anthropic.adminKey,
      config.gemini.apiKey,
      config.openmeter.apiKey,
    ].filter((key): key is string => !!key);
    services = await startServices({ config, announce: print, costCheck: true });
    outbox = await openAppOutbox({
      config,
      client: services.openmeterIngest,
      print,
      printError,
    });
    closeOnSignals({ outbox, onProgress: createProgressPrinter() });

    await main({
      args,
      config,
      openai: services.openai,
      anthropic: services.anthropic,
      gemini: services.gemini,
      openmeter: services.openmeter,
      outbox,
      print,
    });

    const drained = await outbox.flush({ deadlineMs: 60_000, onProgress: createProgressPrinter() });
    if (!drained.drained) {
      throw new AppConfigError(
        `OpenMeter did not take ${drained.pending} event(s) within 60 s; they stay journaled in ${config.outboxDir} and are sent on the next run.`,
      );
    }
    const stats = outbox.stats();
    print(
      `\ndelivered ${stats.delivered} usage event(s) to OpenMeter (${stats.retried} retried, ${stats.deadLettered} dead-lettered)`,
    );
    const rows = await queryUsageTable({ client: services.meterReader }).catch((error: unknown) => {
      throw explainOpenMeterError({ error, url: config.openmeter.url ?? 'openmeter-local' });
    });
    print(
      '\nUsage and cost by subject, model and served tier (OpenMeter meters, windowSize DAY, UTC):',
    );
    print(formatUsageTable(rows));
    const v3 = services.v3;
    if (v3 !== undefined) {
      const feature = v3.costFeature;
      if (feature.status === 'found') {
        const comparison = await compareFeatureCost({
          client: v3.client,
          featureId: feature.id,
          rows,
        }).catch((error: unknown) => {
          throw explainOpenMeterError({ error, url: config.openmeter.url ?? 'openmeter-local' });
        });
        print(`\n${formatCostComparison({ comparison, featureKey: feature.key })}`);
      } else {
        print(`\nCost check against OpenMeter's feature cost query skipped: ${feature.reason}.`);
      }
    }
    if (reconcile) {
      const reconciliation = await reconcileAppUsage({ services, from: startedAt, to: now() });
      print(`\n${reconciliation.text}`);
    }
  } catch (error) {
    printError(
      `error: ${describeError({ error, openaiBaseUrl, openaiApiKeySet, config: loaded })}`,
    );
    if (process.env.DEBUG && error instanceof Error && error.stack) printError(error.stack);
    process.exitCode = 1;
  } finally {
    await outbox?.close({ deadlineMs: 5_000 }).catch(() => undefined);
    await services?.close().catch(() => undefined);
  }
}

function describeError({
  error,
  openaiBaseUrl,
  openaiApiKeySet,
  config,
}: {
  error: unknown;
  openaiBaseUrl: string | undefined;
  /** False: OPENAI_BASE_URL alone, sent without a key (a placeholder). */
  openaiApiKeySet: boolean;
  config: AppConfig | undefined;
}): string {
  if (error instanceof AppConfigError) return error.message;
  const provider = describeProviderError({ error, config });
  if (provider !== undefined) return provider;
  // OpenAI-compatible servers serve the API under /v1; a base URL without it answers 404.
  const hint =
    openaiBaseUrl !== undefined && !/\/v1\/?$/.test(new URL(openaiBaseUrl).pathname)
      ? ` OPENAI_BASE_URL usually ends in /v1 (e.g. ${new URL('v1', openaiBaseUrl.endsWith('/') ? openaiBaseUrl : `${openaiBaseUrl}/`).href}).`
      : '';
  if (error instanceof OpenAI.AuthenticationError) {
    return openaiApiKeySet
      ? 'OpenAI refused the API key (401): check OPENAI_API_KEY.'
      : `the server at OPENAI_BASE_URL (${openaiBaseUrl}) requires an API key (401) and none was set: set OPENAI_API_KEY.`;
  }
  if (error instanceof OpenAI.NotFoundError) {
    return `OpenAI answered 404 (${error.message}): check OPENAI_MODEL and OPENAI_BASE_URL.${hint}`;
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return `could not reach OpenAI (${error.message}): check OPENAI_BASE_URL and the network.${hint}`;
  }
  const explained = explainOpenMeterError({ error, url: 'OpenMeter' });
  return explained.message;
}

/**
 * Anthropic's and Gemini's failures in one line naming the variables to check, as OpenAI's are;
 * undefined for any other error.
 */
function describeProviderError({
  error,
  config,
}: {
  error: unknown;
  config: AppConfig | undefined;
}): string | undefined {
  const fromAnthropic = error instanceof Anthropic.APIError;
  const fromGemini = error instanceof GeminiApiError;
  if (!fromAnthropic && !fromGemini) return undefined;
  const [name, prefix, settings] = fromAnthropic
    ? (['Anthropic', 'ANTHROPIC', config?.anthropic] as const)
    : (['Gemini', 'GEMINI', config?.gemini] as const);
  const status = (error as { status?: unknown }).status;
  const message = (error as Error).message;
  if (error instanceof Anthropic.APIConnectionError) {
    return `could not reach Anthropic (${message}): check ${prefix}_BASE_URL and the network.`;
  }
  if (status === 401 || status === 403) {
    return settings?.apiKey === undefined && settings?.baseUrl !== undefined
      ? `the server at ${prefix}_BASE_URL (${settings.baseUrl}) requires an API key (${status}) and none was set: set ${prefix}_API_KEY.`
      : `${name} refused the API key (${status}): check ${prefix}_API_KEY.`;
  }
  if (status === 404) {
    return `${name} answered 404 (${message}): check ${prefix}_MODEL and ${prefix}_BASE_URL (the host, without a version path).`;
  }
  return `${name} failed (${message}).`;
}
