/** What the command line says: `--help`, or where to listen (over the environment). */
export type ProxyArguments =
  | { success: true; help: boolean; host: string | undefined; port: string | undefined }
  | { success: false; message: string };

/**
 * Reads `--port N`, `--host H` (also `--port=N`), `--help`/`-h` and the `--` pnpm needs before
 * a script's arguments. The values are checked with the settings they override
 * (`LLM_METER_PROXY_PORT`, `LLM_METER_PROXY_HOST`).
 */
export function parseProxyArguments(argv: readonly string[]): ProxyArguments {
  let help = false;
  const values: { host?: string; port?: string } = {};
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index] as string;
    if (argument === '--') continue;
    if (argument === '--help' || argument === '-h') {
      help = true;
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
  return { success: true, help, host: values.host, port: values.port };
}
