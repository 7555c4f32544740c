import { parseArgs } from 'node:util';

/** Where the dashboard listens and who may read it. */
export interface DashboardSettings {
  host: string;
  port: number;
  /** Undefined: no token; allowed on a loopback address only. */
  token: string | undefined;
}

/** `safeParseDashboardArguments`' result: the settings, or a message naming what to change. */
export type ParseDashboardArgumentsResult =
  | { success: true; value: DashboardSettings }
  | { success: false; error: string };

/** The usage line printed with `--help` and argument errors. */
export const dashboardUsageText = 'usage: pnpm dashboard [--port N] [--host ADDRESS]';

/** The port the dashboard takes when neither `--port` nor `LLM_METER_DASHBOARD_PORT` is set. */
export const defaultDashboardPort = 8789;

/** Whether `host` only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Reads `--port` (else `LLM_METER_DASHBOARD_PORT`, else 8789; 0: a free one) and `--host` (else
 * `LLM_METER_DASHBOARD_HOST`, else 127.0.0.1) and `LLM_METER_DASHBOARD_TOKEN`. A host other than a
 * loopback address requires the token.
 */
export function safeParseDashboardArguments({
  argv,
  env,
}: {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
}): ParseDashboardArgumentsResult {
  let values: { port?: string | undefined; host?: string | undefined };
  try {
    ({ values } = parseArgs({
      args: argv.filter((argument) => argument !== '--'),
      options: { port: { type: 'string' }, host: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return { success: false, error: `${(error as Error).message}\n${dashboardUsageText}` };
  }
  const portText = values.port ?? (env.LLM_METER_DASHBOARD_PORT || undefined);
  const port = portText === undefined ? defaultDashboardPort : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65_535 || portText?.trim() === '') {
    const source = values.port === undefined ? 'LLM_METER_DASHBOARD_PORT' : '--port';
    return { success: false, error: `${source} must be a port from 0 to 65535, got "${portText}"` };
  }
  const host = values.host ?? (env.LLM_METER_DASHBOARD_HOST || '127.0.0.1');
  const token = env.LLM_METER_DASHBOARD_TOKEN || undefined;
  if (!isLoopbackHost(host) && token === undefined) {
    return {
      success: false,
      error: `the dashboard would listen on ${host}, beyond this machine, without a token: set LLM_METER_DASHBOARD_TOKEN (a long random string, e.g. openssl rand -hex 32), or listen on 127.0.0.1`,
    };
  }
  if (token !== undefined && token.length < 16) {
    return {
      success: false,
      error:
        'LLM_METER_DASHBOARD_TOKEN is shorter than 16 characters: use a long random string, e.g. openssl rand -hex 32',
    };
  }
  return { success: true, value: { host, port, token } };
}
