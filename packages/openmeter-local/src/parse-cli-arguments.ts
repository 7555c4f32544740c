import { isAbsolute, resolve } from 'node:path';
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
  /** Delete the meters an earlier meters file created that this one does not define. */
  pruneMeters: boolean;
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
  --meters <path>    meters YAML in OpenMeter's config format (env OPENMETER_LOCAL_METERS;
                     default none: create meters with POST /api/v1/meters); meters already in
                     the database that the file does not define are kept
  --prune-meters     delete the meters an earlier meters file (or an app) created that this
                     one does not define, and their readings; the events stay, and so do
                     meters created with POST /api/v1/meters
  --api-key <key>    require Authorization: Bearer <key> (env OPENMETER_LOCAL_API_KEY)
  --log-level <lvl>  debug | info | warn | error | silent (default info; debug logs every request)
  -h, --help         show this help

Relative paths are resolved against the directory the command was typed in (INIT_CWD when run
through pnpm or npm).`;

/**
 * Reads the command line of `openmeter-local`, falling back to OPENMETER_LOCAL_* variables.
 * Relative `--db` and `--meters` paths are resolved against where the command was typed:
 * `INIT_CWD` (set by pnpm and npm, which run scripts in the package's folder) or else `cwd`.
 * Unknown flags and bad values are reported in one sentence, not guessed.
 * @see https://nodejs.org/api/util.html#utilparseargsconfig
 */
export function safeParseCliArguments({
  argv,
  env,
  cwd,
}: {
  argv: string[];
  env: Record<string, string | undefined>;
  /** The process's working directory, used when `INIT_CWD` is not set. */
  cwd: string;
}): ParseCliArgumentsResult {
  const base = env.INIT_CWD || cwd;
  const resolvePath = (path: string) => (isAbsolute(path) ? path : resolve(base, path));
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
        'prune-meters': { type: 'boolean' },
        'api-key': { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    // parseArgs adds a hint about positionals after the first sentence: keep the first.
    const [sentence] = (error as Error).message.split('. ');
    return { success: false, error: `${sentence?.replace(/\.$/, '')}` };
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
  const metersFile =
    (values.meters as string | undefined) ?? (env.OPENMETER_LOCAL_METERS || undefined);
  return {
    success: true,
    value: {
      port,
      host: (values.host as string | undefined) ?? '127.0.0.1',
      dbPath: dbPath === ':memory:' ? dbPath : resolvePath(dbPath),
      metersFile: metersFile === undefined ? undefined : resolvePath(metersFile),
      pruneMeters: values['prune-meters'] === true,
      apiKey:
        (values['api-key'] as string | undefined) ?? (env.OPENMETER_LOCAL_API_KEY || undefined),
      logLevel,
      help: values.help === true,
    },
  };
}
