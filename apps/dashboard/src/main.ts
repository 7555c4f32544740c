import { serve } from '@hono/node-server';
import {
  AppConfigError,
  checkMeters,
  connectOpenMeter,
  explainOpenMeterError,
  loadAppConfig,
} from '@llm-meter/app-kit';
import {
  createOpenMeterClient,
  isKonnectUrl,
  resolveOpenMeterApi,
} from '@llm-meter/openmeter-client';
import { createOpenMeterV3Client } from '@llm-meter/openmeter-client/v3';
import { listUsageReportProviders, type UsageReportClient } from '@llm-meter/reconcile';
import { createDashboardApp } from './create-dashboard-app.js';
import type { NotReconciled } from './pages/reconciliation-page.js';
import { dashboardUsageText, safeParseDashboardArguments } from './parse-dashboard-arguments.js';
import { createOpenMeterReader } from './read/create-openmeter-reader.js';
import { createV1ReadApi } from './read/create-v1-read-api.js';
import { createV3ReadApi } from './read/create-v3-read-api.js';
import type { OpenMeterReadApi } from './read/open-meter-read-api.js';

// How long the dashboard keeps OpenMeter's answers (said on every page and in the README).
const cacheMs = 10_000;

const help = `${dashboardUsageText}

Serves the usage and cost dashboard (Overview, Customer, Reconciliation) on http://127.0.0.1:8789,
read from OpenMeter's API only: OPENMETER_URL with OPENMETER_API_KEY (read access to meters,
events and entitlements, and customers on v3; it writes nothing), or, without OPENMETER_URL, the
data of the apps' embedded OpenMeter in .llm-meter/ served by openmeter-local.
OPENMETER_API_VERSION=v3 reads OpenMeter's v3 API (the default for a Kong Konnect URL), as the
apps deliver and read; each number links to the v3 query that produced it. The Reconciliation page reads each
provider whose admin key is set (OPENAI_ADMIN_KEY, ANTHROPIC_ADMIN_KEY, as pnpm reconcile).

  --port N        or LLM_METER_DASHBOARD_PORT (default 8789; 0: a free one)
  --host ADDRESS  or LLM_METER_DASHBOARD_HOST (default 127.0.0.1); any other address needs
                  LLM_METER_DASHBOARD_TOKEN, then asked of every request
OpenMeter's answers are kept ${cacheMs / 1000} s.`;

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  const parsed = safeParseDashboardArguments({ argv, env: process.env });
  if (!parsed.success) {
    process.stderr.write(`error: ${parsed.error}\n`);
    return 1;
  }
  const settings = parsed.value;
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const config = loadAppConfig({ app: 'dashboard', defaults: { models: [], subjects: [] } });
  const connection = await connectOpenMeter({ config, announce: print, readOnly: true });
  let api: OpenMeterReadApi;
  try {
    api = createReadApi({
      url: connection.url,
      apiVersion: config.openmeter.apiVersion,
      clientOptions: connection.clientOptions,
    });
    await checkMeters({
      client: api.meters,
      url: connection.url,
      eventType: undefined,
      apiKey: config.openmeter.apiKey,
    });
  } catch (error) {
    await connection.close();
    throw error;
  }
  const reportClients: UsageReportClient[] = [];
  const notReconciled: NotReconciled[] = [];
  for (const provider of listUsageReportProviders()) {
    const created = provider.createFromEnvironment(process.env);
    if (created.success) reportClients.push(created.value);
    else notReconciled.push({ name: provider.name, reason: created.error });
  }
  const app = createDashboardApp({
    reader: createOpenMeterReader({ api, cacheMs }),
    api,
    reportClients,
    notReconciled,
    token: settings.token,
    cacheMs,
  });
  const server = serve({ fetch: app.fetch, hostname: settings.host, port: settings.port });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  }).catch(async (error: NodeJS.ErrnoException) => {
    await connection.close();
    throw new AppConfigError(
      `the dashboard cannot listen on ${settings.host}:${settings.port} (${error.code ?? error.message}): choose another with --port or LLM_METER_DASHBOARD_PORT`,
      { cause: error },
    );
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : settings.port;
  const shown = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  print(
    `dashboard: http://${shown}:${port}/ (OpenMeter's ${api.apiVersion} API at ${connection.url}, answers kept ${cacheMs / 1000} s${settings.token ? ', token required' : ''})`,
  );
  const stop = () => {
    server.close();
    void connection.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return 0;
}

/**
 * The API the dashboard reads, chosen as the apps choose (`OPENMETER_API_VERSION`, v3 for a Kong
 * Konnect URL): on v3, entitlement balances still come from v1 where the server serves it
 * (everywhere but Konnect).
 */
function createReadApi({
  url,
  apiVersion,
  clientOptions,
}: {
  url: string;
  apiVersion: string;
  clientOptions: Parameters<typeof createOpenMeterClient>[0];
}): OpenMeterReadApi {
  const resolved = resolveOpenMeterApi({ url, apiVersion });
  const retry = { maxElapsedMs: 10_000 };
  if (resolved.apiVersion === 'v1') {
    return createV1ReadApi({
      client: createOpenMeterClient({ ...clientOptions, baseUrl: resolved.baseUrl, retry }),
      baseUrl: resolved.baseUrl,
    });
  }
  const v1BaseUrl = url.replace(/\/(api\/)?v3\/*$/, '');
  return createV3ReadApi({
    client: createOpenMeterV3Client({ ...clientOptions, baseUrl: resolved.baseUrl, retry }),
    baseUrl: resolved.baseUrl,
    v1: isKonnectUrl(url)
      ? undefined
      : {
          client: createOpenMeterClient({ ...clientOptions, baseUrl: v1BaseUrl, retry }),
          baseUrl: v1BaseUrl,
        },
  });
}

main().then(
  (status) => {
    if (status !== 0) process.exitCode = status;
  },
  (error: unknown) => {
    const explained =
      error instanceof AppConfigError ? error : explainOpenMeterError({ error, url: 'OpenMeter' });
    process.stderr.write(`error: ${explained.message}\n`);
    process.exitCode = 1;
  },
);
