/** What the command line says: `--help`, or where to listen (over the environment). */
export type ProxyArguments =
  | {
      success: true;
      help: boolean;
      host: string | undefined;
      port: string | undefined;
      /** `--access-log` alone: `stdout`; `--access-log=FILE` or `--access-log FILE`: the file. */
      accessLog: string | undefined;
    }
  | { success: false; message: string };

/**
 * Reads `--port N`, `--host H` (also `--port=N`), `--access-log [FILE]`, `--help`/`-h` and the
 * `--` pnpm needs before a script's arguments. The values are checked with the settings they
 * override (`LLM_METER_PROXY_PORT`, `LLM_METER_PROXY_HOST`, `LLM_METER_PROXY_ACCESS_LOG`).
 */
export function parseProxyArguments(argv: readonly string[]): ProxyArguments {
  let help = false;
  const values: { host?: string; port?: string; accessLog?: string } = {};
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index] as string;
    if (argument === '--') continue;
    if (argument === '--help' || argument === '-h') {
      help = true;
      continue;
    }
    const accessLog = /^--access-log(?:=(.*))?$/.exec(argument);
    if (accessLog) {
      const next = argv[index + 1];
      // The file is optional: the next argument is taken only when it is no option.
      if (accessLog[1] !== undefined) values.accessLog = accessLog[1] || 'stdout';
      else if (next !== undefined && !next.startsWith('-')) values.accessLog = argv[++index];
      else values.accessLog = 'stdout';
      continue;
    }
    const match = /^--(port|host)(?:=(.*))?$/.exec(argument);
    if (!match) {
      return {
        success: false,
        message: `unknown argument ${JSON.stringify(argument)} (see --help)`,
      };
    }
    const name = match[1] as 'port' | 'host';
    const value = match[2] ?? argv[++index];
    if (value === undefined || value === '' || value.startsWith('--')) {
      return {
        success: false,
        message: `--${name} needs a value, e.g. --${name} ${name === 'port' ? '9000' : '0.0.0.0'}`,
      };
    }
    values[name] = value;
  }
  return {
    success: true,
    help,
    host: values.host,
    port: values.port,
    accessLog: values.accessLog,
  };
}
