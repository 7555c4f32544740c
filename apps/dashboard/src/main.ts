import { serve } from '@hono/node-server';
import {
  AppConfigError,
  checkMeters,
  connectOpenMeter,
  explainOpenMeterError,
  loadAppConfig,
} from '@llm-meter/app-kit';
import { listUsageReportProviders, type UsageReportClient } from '@llm-meter/reconcile';
import { createDashboardApp } from './create-dashboard-app.js';
import type { NotReconciled } from './pages/reconciliation-page.js';
import { dashboardUsageText, safeParseDashboardArguments } from './parse-dashboard-arguments.js';
import { createOpenMeterReader } from './read/create-openmeter-reader.js';
import { showMeterQuery } from './read/show-meter-query.js';

// How long the dashboard keeps OpenMeter's answers (said on every page and in the README).
const cacheMs = 10_000;

const help = `${dashboardUsageText}

Serves the usage and cost dashboard (Overview, Customer, Reconciliation) on http://127.0.0.1:8789,
read from OpenMeter's API only: OPENMETER_URL with OPENMETER_API_KEY (read access to meters,
events and entitlements; it writes nothing), or, without OPENMETER_URL, the data of the apps'
embedded OpenMeter in .llm-meter/ served by openmeter-local. The Reconciliation page reads each
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
  try {
    await checkMeters({
      client: connection.client,
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
    reader: createOpenMeterReader({ client: connection.client, baseUrl: connection.url, cacheMs }),
    openmeter: connection.client,
    showMeterQuery: (query) => showMeterQuery({ baseUrl: connection.url, ...query }),
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
    `dashboard: http://${shown}:${port}/ (OpenMeter at ${connection.url}, answers kept ${cacheMs / 1000} s${settings.token ? ', token required' : ''})`,
  );
  const stop = () => {
    server.close();
    void connection.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return 0;
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
