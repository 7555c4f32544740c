import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { LogLevel } from './create-logger.js';

/**
 * Settings of the `openmeter-local` command, after flags and environment fallbacks.
 */
export interface CliSettings {
  port: number;
  host: string;
  /**
   * The SQLite file: `--db`, else `OPENMETER_LOCAL_DB` (relative to `dataDir`), else
   * `<dataDir>/openmeter-local.db`, the file the apps use.
   */
  dbPath: string;
  /** `LLM_METER_DATA_DIR` (default `.llm-meter`), where the apps keep their data. */
  dataDir: string;
  /** Create the database's folder when missing: true unless the path came from `--db`. */
  createDbFolder: boolean;
  /** Undefined: the meters `@llm-meter/meter-core` ships (`openMeterMeters`), as the apps use. */
  metersFile: string | undefined;
  /** Delete the meters an earlier meters file created that this one does not define. */
  pruneMeters: boolean;
  apiKey: string | undefined;
  logLevel: LogLevel;
  help: boolean;
}

/**
 * What `safeParseCliArguments` returns.
 */
export type ParseCliArgumentsResult =
  | { success: true; value: CliSettings }
  | { success: false; error: string };

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

/**
 * Usage text of the `openmeter-local` command.
 */
export const CLI_USAGE = `Usage: openmeter-local [options]

Runs an OpenMeter-compatible server backed by SQLite, for development and tests.

Options:
  --port <n>         TCP port (env OPENMETER_LOCAL_PORT, default 8888; 0 picks a free one)
  --host <address>   interface to bind (default 127.0.0.1)
  --db <path>        SQLite file, or :memory: (env OPENMETER_LOCAL_DB, relative to the data
                     directory; default <data dir>/openmeter-local.db, the apps' database)
  --meters <path>    meters YAML in OpenMeter's config format (env OPENMETER_LOCAL_METERS;
                     default: the LLM token meters the apps use, from @llm-meter/meter-core,
                     as in packages/meter-core/meters/openmeter-meters.yaml); meters already
                     in the database that are not defined here are kept
  --prune-meters     delete the meters an earlier meters file (or an app) created that are not
                     defined now, and their readings; the events stay, and so do meters
                     created with POST /api/v1/meters
  --api-key <key>    require Authorization: Bearer <key> (env OPENMETER_LOCAL_API_KEY)
  --log-level <lvl>  debug | info | warn | error | silent (default info; debug logs every request)
  -h, --help         show this help

The data directory is LLM_METER_DATA_DIR (default .llm-meter), as for the apps, created when
missing. It and relative --db and --meters paths are resolved against the directory the command
was typed in (INIT_CWD when run through pnpm or npm).`;

/**
 * Reads the command line of `openmeter-local`, falling back to OPENMETER_LOCAL_* variables and,
 * like the apps, to the database in `LLM_METER_DATA_DIR` (default `.llm-meter`). Relative
 * `--db` and `--meters` paths and the data directory are resolved against where the command was
 * typed: `INIT_CWD` (set by pnpm and npm, which run scripts in the package's folder) or else
 * `cwd`; a relative `OPENMETER_LOCAL_DB` against the data directory, as in the apps.
 * Unknown flags and bad values are reported in one sentence, not guessed.
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
  // Empty or blank variables count as unset, as in the apps' configuration.
  const variable = (name: string) => env[name]?.trim() || undefined;
  const dataDir = resolvePath(variable('LLM_METER_DATA_DIR') ?? '.llm-meter');
  const dbFlag = values.db as string | undefined;
  if (dbFlag === '') return { success: false, error: '--db must not be empty' };
  const dbVariable = variable('OPENMETER_LOCAL_DB');
  const dbPath =
    dbFlag !== undefined
      ? resolvePath(dbFlag)
      : resolve(dataDir, dbVariable ?? 'openmeter-local.db');
  const metersFile = (values.meters as string | undefined) ?? variable('OPENMETER_LOCAL_METERS');
  return {
    success: true,
    value: {
      port,
      host: (values.host as string | undefined) ?? '127.0.0.1',
      dbPath: dbFlag === ':memory:' || dbVariable === ':memory:' ? ':memory:' : dbPath,
      dataDir,
      createDbFolder: dbFlag === undefined && dbVariable !== ':memory:',
      metersFile: metersFile === undefined ? undefined : resolvePath(metersFile),
      pruneMeters: values['prune-meters'] === true,
      apiKey:
        (values['api-key'] as string | undefined) ?? (env.OPENMETER_LOCAL_API_KEY || undefined),
      logLevel,
      help: values.help === true,
    },
  };
}
