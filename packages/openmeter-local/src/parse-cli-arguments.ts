import { parseArgs } from 'node:util';
import type { LogLevel } from './create-logger.js';

/**
 * Settings of the `openmeter-local` command, after flags and environment fallbacks.
 * @see https://nodejs.org/api/util.html#utilparseargsconfig
 */
export interface CliSettings {
  port: number;
  host: string;
  dbPath: string;
  metersFile: string | undefined;
  apiKey: string | undefined;
  logLevel: LogLevel;
  help: boolean;
}

/**
 * What `safeParseCliArguments` returns.
 * @see https://nodejs.org/api/util.html#utilparseargsconfig
 */
export type ParseCliArgumentsResult =
  | { success: true; value: CliSettings }
  | { success: false; error: string };

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

/**
 * Usage text of the `openmeter-local` command.
 * @see https://nodejs.org/api/util.html#utilparseargsconfig
 */
export const CLI_USAGE = `Usage: openmeter-local [options]

Runs an OpenMeter-compatible server backed by SQLite, for development and tests.

Options:
  --port <n>         TCP port (env OPENMETER_LOCAL_PORT, default 8888; 0 picks a free one)
  --host <address>   interface to bind (default 127.0.0.1)
  --db <path>        SQLite file, or :memory: (env OPENMETER_LOCAL_DB, default ./openmeter-local.db)
  --meters <path>    meters YAML in OpenMeter's config format (env OPENMETER_LOCAL_METERS,
                     default: @llm-meter/meter-core's LLM token meters)
  --api-key <key>    require Authorization: Bearer <key> (env OPENMETER_LOCAL_API_KEY)
  --log-level <lvl>  debug | info | warn | error | silent (default info; debug logs every request)
  -h, --help         show this help`;

/**
 * Reads the command line of `openmeter-local`, falling back to OPENMETER_LOCAL_* variables.
 * Unknown flags and bad values are reported, not guessed.
 * @see https://nodejs.org/api/util.html#utilparseargsconfig
 */
export function safeParseCliArguments({
  argv,
  env,
}: {
  argv: string[];
  env: Record<string, string | undefined>;
}): ParseCliArgumentsResult {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      // `pnpm openmeter-local -- --port 1` forwards the `--` itself: skip it.
      args: argv[0] === '--' ? argv.slice(1) : argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        db: { type: 'string' },
        meters: { type: 'string' },
        'api-key': { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return { success: false, error: (error as Error).message };
  }
  const portText = (values.port as string | undefined) ?? env.OPENMETER_LOCAL_PORT ?? '8888';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65_535) {
    return {
      success: false,
      error: `--port must be an integer from 0 to 65535, got "${portText}"`,
    };
  }
  const logLevel = ((values['log-level'] as string | undefined) ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    return {
      success: false,
      error: `--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`,
    };
  }
  const dbPath =
    (values.db as string | undefined) ?? env.OPENMETER_LOCAL_DB ?? './openmeter-local.db';
  if (dbPath === '') return { success: false, error: '--db must not be empty' };
  return {
    success: true,
    value: {
      port,
      host: (values.host as string | undefined) ?? '127.0.0.1',
      dbPath,
      metersFile:
        (values.meters as string | undefined) ?? (env.OPENMETER_LOCAL_METERS || undefined),
      apiKey:
        (values['api-key'] as string | undefined) ?? (env.OPENMETER_LOCAL_API_KEY || undefined),
      logLevel,
      help: values.help === true,
    },
  };
}
