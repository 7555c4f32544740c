import { AppConfigError } from './app-config-error.js';
import { type AppConfig, appConfigDefaults } from './load-app-config.js';

/** The places an app keeps data, each decided by `LLM_METER_DATA_DIR` and maybe its own variable. */
export type AppDataPath = 'outbox' | 'openai-local' | 'openmeter-local';

const dataPaths: Record<
  AppDataPath,
  {
    what: string;
    variable: 'LLM_METER_OUTBOX_DIR' | 'OPENMETER_LOCAL_DB' | undefined;
    wanted: string;
  }
> = {
  outbox: {
    what: 'the outbox journal',
    variable: 'LLM_METER_OUTBOX_DIR',
    wanted: 'a writable directory',
  },
  'openai-local': {
    what: "openai-local's usage ledger",
    variable: undefined,
    wanted: 'a writable directory',
  },
  'openmeter-local': {
    what: "openmeter-local's database",
    variable: 'OPENMETER_LOCAL_DB',
    wanted: 'a SQLite file in a writable directory',
  },
};

/**
 * The first system error (one with an errno `code` such as `ENOTDIR`) in `error`'s `cause` chain,
 * for failures that wrap what the file system said.
 */
export function findSystemError(error: unknown): NodeJS.ErrnoException | undefined {
  let current = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z0-9]+$/.test(code)) return current;
    current = current.cause;
  }
  return undefined;
}

/**
 * Turns a failure to create or open one of the app's data paths (a read-only disk, a missing
 * permission, a path under a regular file, a file that is not a database) into an
 * `AppConfigError` naming the path, what the system said and the variable to change: the path's
 * own (`LLM_METER_OUTBOX_DIR`, `OPENMETER_LOCAL_DB`) when it is set, else `LLM_METER_DATA_DIR`.
 */
export function explainDataPathError({
  error,
  config,
  dataPath,
  action,
  path,
}: {
  error: unknown;
  config: AppConfig;
  dataPath: AppDataPath;
  /** What failed, as a verb: `create`, `open`. */
  action: string;
  path: string;
}): AppConfigError {
  const { what, variable, wanted } = dataPaths[dataPath];
  const own = variable === undefined ? undefined : config.pathVariables[variable];
  const dataDir = config.pathVariables.LLM_METER_DATA_DIR;
  const advice =
    variable !== undefined && own !== undefined
      ? `set ${variable} (now "${own}") to ${wanted}`
      : `set LLM_METER_DATA_DIR (${
          dataDir === undefined
            ? `unset: ${appConfigDefaults.dataDir} where the command was typed`
            : `now "${dataDir}"`
        }) to a writable directory${variable === undefined ? '' : `, or ${variable} for ${what} alone`}`;
  return new AppConfigError(
    `cannot ${action} ${what} ${path} (${describeReason(error)}): ${advice}.`,
    { cause: error },
  );
}

function describeReason(error: unknown): string {
  const system = findSystemError(error);
  if (system) return system.message;
  // openmeter-local's database error wraps SQLite's, whose message is the reason.
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error) return cause.message;
  return error instanceof Error ? error.message : String(error);
}
