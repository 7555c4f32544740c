import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import {
  AppConfigError,
  loadAppConfig,
  openAppOutbox,
  refuseKonnectBudgets,
  startServices,
} from '@llm-meter/app-kit';
import {
  createBudgetGate,
  createMemoryReservationStore,
  createRedisReservationStore,
} from '@llm-meter/budget-gate';
import { createUsageSettler } from '@llm-meter/metering';
import { createAccessLog } from './access-log/create-access-log.js';
import { checkUpstreamBaseUrl } from './check-upstream-base-url.js';
import { createOutboxUsageSink } from './create-outbox-usage-sink.js';
import { createProxyApp } from './create-proxy-app.js';
import { createProxyMetrics } from './create-proxy-metrics.js';
import { createTimingsRecorder } from './create-timings-recorder.js';
import { loadProxyConfig, ProxyConfigError } from './load-proxy-config.js';
import { parseProxyArguments } from './parse-proxy-arguments.js';
import { formatAllowedRoutes, resolveAllowedRoutes } from './tenancy/allowed-routes.js';
import { createFileObjectOwners } from './tenancy/create-file-object-owners.js';
import { createRedisObjectOwners } from './tenancy/create-redis-object-owners.js';

const help = `Usage: pnpm proxy [-- --port N] [--host H] [--access-log [FILE]] [--help]   (from the repository root)

A proxy that meters every OpenAI, Anthropic and Gemini response into OpenMeter. Point clients at
  OPENAI_BASE_URL=http://127.0.0.1:8787/v1, ANTHROPIC_BASE_URL=http://127.0.0.1:8787 or
  Gemini's base URL http://127.0.0.1:8787
and name the customer with the OpenMeter-Subject header (or map API keys to subjects).

Settings (environment or the repository's .env): OPENAI_API_KEY, OPENAI_BASE_URL,
ANTHROPIC_BASE_URL, ANTHROPIC_API_KEY, GEMINI_BASE_URL, GEMINI_API_KEY (a provider's key is the
proxy's own only with mapped keys; base URLs default to the embedded simulator when OpenAI's is
embedded, else to https://api.anthropic.com and https://generativelanguage.googleapis.com), OPENMETER_URL,
OPENMETER_API_KEY, LLM_METER_PROXY_HOST (127.0.0.1), LLM_METER_PROXY_PORT (8787),
LLM_METER_PROXY_SUBJECT_HEADER (OpenMeter-Subject), LLM_METER_PROXY_KEYS (key=subject,...),
LLM_METER_PROXY_KEYS_FILE, LLM_METER_PROXY_TRUST_REQUEST_USER (0), LLM_METER_PROXY_DEFAULT_SUBJECT,
LLM_METER_BUDGET_FEATURE (enables the budget gate), REDIS_URL, LLM_METER_PROXY_MAX_BODY_BYTES,
LLM_METER_PROXY_ALLOWED_PATHS (pass-through routes; with the server's key only GET /v1/models,
GET /v1/models/* and POST /v1/moderations by default), LLM_METER_PROXY_ABORT_GRACE_MS (200: how
long upstream is still read and metered after a caller left, 0 = abort it at once),
LLM_METER_PROXY_ACCESS_LOG (unset: none; stdout, or a file: one JSON line per request, never a
key or a body; --access-log alone is stdout, --access-log FILE a file).
Without OPENAI_API_KEY/OPENAI_BASE_URL or OPENMETER_URL it starts the embedded servers.`;

const parsed = parseProxyArguments(process.argv.slice(2));
if (!parsed.success) {
  process.stderr.write(`proxy: ${parsed.message}\n`);
  process.exit(1);
}
if (parsed.help) {
  process.stdout.write(`${help}\n`);
  process.exit(0);
}
// --port and --host win over the environment, and are checked as the settings they replace.
const environment = {
  ...process.env,
  ...(parsed.port === undefined ? {} : { LLM_METER_PROXY_PORT: parsed.port }),
  ...(parsed.host === undefined ? {} : { LLM_METER_PROXY_HOST: parsed.host }),
  ...(parsed.accessLog === undefined ? {} : { LLM_METER_PROXY_ACCESS_LOG: parsed.accessLog }),
};

// Keys are never printed: any configured key in a line is masked.
let secrets: string[] = [];
const mask = (text: string) =>
  secrets.reduce((masked, secret) => masked.split(secret).join('***'), text);
const print = (line: string) => process.stdout.write(`${mask(line)}\n`);
const printError = (line: string) => process.stderr.write(`${mask(line)}\n`);

try {
  // The proxy serves the models and subjects its clients name: the demo lists are unused.
  const config = loadAppConfig({ app: 'proxy', defaults: { models: [], subjects: [] } });
  const proxy = loadProxyConfig({
    env: environment,
    // A relative path is taken from where the command was typed (pnpm runs this in apps/proxy).
    readFile: (path) => readFileSync(resolve(process.env.INIT_CWD || process.cwd(), path), 'utf8'),
  });
  secrets = [
    config.openai.apiKey,
    config.openmeter.apiKey,
    process.env.ANTHROPIC_API_KEY?.trim(),
    process.env.GEMINI_API_KEY?.trim(),
  ].filter((key): key is string => !!key);
  // One JSON line per request; a relative file is taken from where the command was typed.
  const accessLogTarget =
    proxy.accessLog?.kind === 'file'
      ? {
          kind: 'file' as const,
          path: resolve(process.env.INIT_CWD || process.cwd(), proxy.accessLog.path),
        }
      : proxy.accessLog;
  let accessLog: ReturnType<typeof createAccessLog> | undefined;
  try {
    accessLog = accessLogTarget
      ? createAccessLog({
          target: accessLogTarget,
          onError: (error) =>
            printError(
              `proxy: access log: ${(error as Error).message} (check LLM_METER_PROXY_ACCESS_LOG)`,
            ),
        })
      : undefined;
  } catch (error) {
    throw new ProxyConfigError(
      `LLM_METER_PROXY_ACCESS_LOG: cannot open ${accessLogTarget?.kind === 'file' ? accessLogTarget.path : 'stdout'}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  // A proxy that stayed down with OpenMeter would lose every call it could have metered: it
  // starts, journals, and its outbox delivers once OpenMeter answers. Anthropic's and Gemini's
  // upstreams are the proxy's own settings (ProxyConfig.upstreams).
  refuseKonnectBudgets({ openmeterUrl: config.openmeter.url, budgetFeature: proxy.budgetFeature });
  const services = await startServices({
    config,
    announce: print,
    openmeterUnreachable: 'warn',
    warn: (line) => printError(`proxy: ${line}`),
    providers: ['openai'],
  });
  if (config.openai.baseUrl !== undefined) {
    const misconfigured = await checkUpstreamBaseUrl({
      baseUrl: config.openai.baseUrl,
      apiKey: proxy.useServerKey ? config.openai.apiKey : undefined,
    });
    if (misconfigured) {
      await services.close();
      throw new ProxyConfigError(misconfigured);
    }
  }
  // A locked or unwritable outbox is one line naming the setting to change.
  const outbox = await openAppOutbox({
    config,
    client: services.openmeterIngest,
    print,
    printError,
  });
  const metrics = createProxyMetrics({ outbox });
  // Settling an estimate retrieves the response upstream, which takes a key of the account that
  // created it: the proxy's own key, or openai-local's (which takes any). Callers' keys are
  // never kept, so with callers' keys passed through, estimates stay estimates.
  const embeddedUpstream =
    config.openai.apiKey === undefined && config.openai.baseUrl === undefined;
  const settler =
    proxy.useServerKey || embeddedUpstream
      ? createUsageSettler({
          client: services.openai,
          outbox,
          dir: config.outboxDir,
          onSettled({ estimate, outcome, correction, reason }) {
            if (outcome === 'corrected' && correction)
              print(
                `settled ${estimate.id}: correction of ${correction.data.total_tokens} tokens (id=${correction.id})`,
              );
            else if (outcome === 'unsettled')
              printError(`not settled ${estimate.id}: ${reason} (it stays an estimate)`);
          },
        })
      : undefined;
  if (!settler)
    print(
      "proxy: settlement off: callers' keys pass through and the proxy keeps none, so estimates are not settled (set OPENAI_API_KEY with LLM_METER_PROXY_KEYS to settle them)",
    );
  const gate = proxy.budgetFeature
    ? createBudgetGate({
        client: services.openmeter,
        feature: proxy.budgetFeature,
        store: proxy.redisUrl
          ? createRedisReservationStore({ url: proxy.redisUrl })
          : createMemoryReservationStore(),
      })
    : undefined;
  // With the server's key, who created each stored object decides who may reach it: kept in
  // Redis when every proxy process shares one, else in a file of the data directory.
  const onOwnerError = (error: unknown) =>
    printError(`proxy: could not record an object's owner: ${(error as Error).message}`);
  const sharedKey =
    proxy.useServerKey ||
    proxy.upstreams.anthropic.apiKey !== undefined ||
    proxy.upstreams.google.apiKey !== undefined;
  const objectOwners = !sharedKey
    ? undefined
    : proxy.redisUrl
      ? createRedisObjectOwners({ url: proxy.redisUrl, onError: onOwnerError })
      : createFileObjectOwners({
          file: join(config.dataDir, 'proxy-object-owners.jsonl'),
          onError: onOwnerError,
        });
  // The embedded openai-local simulates Anthropic and Gemini too, below its root.
  const simulatorRoot = embeddedUpstream
    ? services.openai.baseURL.replace(/\/v1\/?$/, '')
    : undefined;
  const upstreams = {
    anthropic: {
      baseUrl: proxy.upstreams.anthropic.baseUrl ?? simulatorRoot ?? 'https://api.anthropic.com',
      apiKey: proxy.upstreams.anthropic.apiKey,
    },
    google: {
      baseUrl:
        proxy.upstreams.google.baseUrl ??
        simulatorRoot ??
        'https://generativelanguage.googleapis.com',
      apiKey: proxy.upstreams.google.apiKey,
    },
  };
  const timings = proxy.timingsFile
    ? createTimingsRecorder({
        file: resolve(process.env.INIT_CWD || process.cwd(), proxy.timingsFile),
      })
    : undefined;
  const app = createProxyApp({
    onTimings: timings?.observer,
    upstreams,
    accessLog,
    allowedRoutes: proxy.allowedRoutes,
    objectOwners,
    upstreamBaseUrl: services.openai.baseURL,
    upstreamApiKey: proxy.useServerKey ? config.openai.apiKey : undefined,
    subjects: proxy.subjects,
    usage: createOutboxUsageSink({
      outbox,
      settler,
      metrics,
      onJournalError: (error) => printError(`proxy: journal: ${(error as Error).message}`),
    }),
    metrics,
    budget: gate && proxy.budgetFeature ? { gate, feature: proxy.budgetFeature } : undefined,
    events: { source: config.eventSource, type: config.eventType, ids: config.eventIds },
    maxBodyBytes: proxy.maxBodyBytes,
    abortGraceMs: proxy.abortGraceMs,
    logger: { warn: printError },
  });
  const server: ServerType = await new Promise((resolve, reject) => {
    const started = serve({ fetch: app.fetch, hostname: proxy.host, port: proxy.port }, () =>
      resolve(started),
    );
    started.once('error', reject);
  });
  // Handlers first: a signal that arrives once "listening" is printed must find them in place
  // (with none, SIGTERM's default ends the process before anything is closed).
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    print(`proxy: ${signal}: closing (open streams are metered as they end)`);
    await new Promise((resolve) => server.close(resolve));
    timings?.write();
    // What is not settled by then stays journaled and settles on the next start.
    await settler?.drain({ deadlineMs: 5_000 });
    settler?.close();
    await outbox.close({ deadlineMs: 10_000 });
    await gate?.close();
    await objectOwners?.close();
    await accessLog?.close();
    await services.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : proxy.port;
  // Before "listening": whoever waits for that line has read this one too.
  if (sharedKey)
    print(
      `proxy: callers share the server's ${[
        proxy.useServerKey ? 'OPENAI_API_KEY' : undefined,
        proxy.upstreams.anthropic.apiKey ? 'ANTHROPIC_API_KEY' : undefined,
        proxy.upstreams.google.apiKey ? 'GEMINI_API_KEY' : undefined,
      ]
        .filter(Boolean)
        .join(
          ', ',
        )}: each reaches only the stored objects it created (owners in ${proxy.redisUrl ? 'Redis' : join(config.dataDir, 'proxy-object-owners.jsonl')}); other pass-through routes: ${formatAllowedRoutes(resolveAllowedRoutes({ isolated: true, allowedRoutes: proxy.allowedRoutes }) ?? [])} (LLM_METER_PROXY_ALLOWED_PATHS)`,
    );
  if (accessLogTarget)
    print(
      `proxy: access log (JSON lines) to ${accessLogTarget?.kind === 'file' ? accessLogTarget.path : 'stdout'} (LLM_METER_PROXY_ACCESS_LOG)`,
    );
  print(
    `proxy: listening on http://${proxy.host}:${port}/v1 → ${services.openai.baseURL}${gate ? ` (budget gate on ${proxy.budgetFeature})` : ''}`,
  );
  print(
    `proxy: Anthropic /v1/messages → ${upstreams.anthropic.baseUrl} (${upstreams.anthropic.apiKey ? "the server's ANTHROPIC_API_KEY" : "callers' keys"}), Gemini /v1beta/models/… → ${upstreams.google.baseUrl} (${upstreams.google.apiKey ? "the server's GEMINI_API_KEY" : "callers' keys"})`,
  );
  print(
    `proxy: point clients at OPENAI_BASE_URL=http://${proxy.host}:${port}/v1 and name the customer with the ${proxy.subjects.header} header${proxy.subjects.defaultSubject ? ` (default subject ${proxy.subjects.defaultSubject})` : ''}`,
  );
} catch (error) {
  if (error instanceof AppConfigError || error instanceof ProxyConfigError) {
    printError(`proxy: ${error.message}`);
    process.exit(1);
  }
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    printError(`proxy: port in use: set LLM_METER_PROXY_PORT to a free port`);
    process.exit(1);
  }
  // Anything else that stops the start (an outbox locked by another proxy) is one line too;
  // DEBUG=1 adds the stack.
  printError(`proxy: ${error instanceof Error ? error.message : String(error)}`);
  if (process.env.DEBUG && error instanceof Error && error.stack) printError(error.stack);
  process.exit(1);
}
