import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isServiceTier, serviceTiers } from '../providers/openai/resolve-service-tier.js';
import type { OpenAILocalOptions } from '../server/openai-local-options.js';

/**
 * Usage text of the `openai-local` command.
 */
export const cliUsage = `Usage: openai-local [options]

A local server for development and tests that speaks OpenAI's, Anthropic's Messages and
Gemini's generateContent APIs (a simulator, not a model).

Options:
  --port <n>                TCP port (env OPENAI_LOCAL_PORT; default 0 = any free port)
  --host <address>          interface to bind (default 127.0.0.1)
  --tokens-per-second <n>   stream pace, 0 = as fast as possible (env OPENAI_LOCAL_TOKENS_PER_SECOND; default 50)
  --seed <n>                varies the generated answers (default 0)
  --model <id>              also answer this OpenAI model id (repeatable; by default only OpenAI's
                            models are answered, others get 404 model_not_found)
  --replay <path>           JSONL file or directory of recorded exchanges (repeatable)
  --replay-fallback <mode>  error (default) or generate, for requests not recorded
  --api-key <key>           the only key accepted, by every provider's API (env OPENAI_LOCAL_API_KEY; default: any non-empty key)
  --admin-key <key>         admin key for OpenAI's /v1/organization/usage and /costs and Anthropic's
                            /v1/organizations/usage_report and /cost_report (env OPENAI_LOCAL_ADMIN_KEY)
  --data-dir <path>         keep the usage ledger here across restarts (env OPENAI_LOCAL_DATA_DIR; default: memory)
  --serve-tier <tier>       serve every request on default, flex, priority or scale, whatever it asks
  --body-limit <bytes>      largest request body accepted (default 33554432 = 32 MiB)
  --prompt-cache-size <n>   prompt prefixes the prompt cache remembers (default 10000, 0 = off)
  --quiet                   no request log
  -h, --help                show this help`;

/**
 * Settings of the `openai-local` command: the server options plus what only the command uses.
 */
export interface CliSettings {
  help: boolean;
  quiet: boolean;
  options: OpenAILocalOptions;
}

/**
 * What {@link safeParseCliArguments} returns: the settings, or a one-line error naming the flag.
 */
export type ParseCliArgumentsResult =
  | { success: true; value: CliSettings }
  | { success: false; error: string };

class CliError extends Error {
  override name = 'CliError' as const;
}

function readNumber({
  value,
  flag,
  integer = false,
  minimum = 0,
}: {
  value: string | undefined;
  flag: string;
  integer?: boolean;
  minimum?: number;
}): number | undefined {
  if (value === undefined) return undefined;
  const number = value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(number) || number < minimum || (integer && !Number.isInteger(number))) {
    throw new CliError(
      `invalid ${flag} ${JSON.stringify(value)}: pass a ${integer ? 'whole' : 'non-negative'} number${minimum > 0 ? ` of at least ${minimum}` : ''}`,
    );
  }
  return number;
}

function readModels(values: readonly string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  for (const value of values) {
    if (value.trim() === '') throw new CliError('empty --model: pass a model id');
  }
  return values.map((value) => value.trim());
}

/**
 * Reads the command line of `openai-local`, falling back to `OPENAI_LOCAL_*` variables. Unknown
 * flags and bad values come back as one line naming the flag, never a stack trace; relative paths
 * resolve from `cwd` (where the command was typed).
 */
export function safeParseCliArguments({
  argv,
  env,
  cwd,
}: {
  argv: readonly string[];
  env: Record<string, string | undefined>;
  cwd: string;
}): ParseCliArgumentsResult {
  try {
    const { values } = parseArgs({
      // `pnpm openai-local -- --port 1234` passes the `--` through; drop it.
      args: argv[0] === '--' ? argv.slice(1) : [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'tokens-per-second': { type: 'string' },
        seed: { type: 'string' },
        model: { type: 'string', multiple: true },
        replay: { type: 'string', multiple: true },
        'replay-fallback': { type: 'string' },
        'api-key': { type: 'string' },
        'admin-key': { type: 'string' },
        'data-dir': { type: 'string' },
        'serve-tier': { type: 'string' },
        'body-limit': { type: 'string' },
        'prompt-cache-size': { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help === true)
      return { success: true, value: { help: true, quiet: false, options: {} } };
    const replayFallback = values['replay-fallback'];
    if (
      replayFallback !== undefined &&
      replayFallback !== 'error' &&
      replayFallback !== 'generate'
    ) {
      throw new CliError(
        `invalid --replay-fallback ${JSON.stringify(replayFallback)}: use error or generate`,
      );
    }
    const serveTier = values['serve-tier'];
    if (serveTier !== undefined && !isServiceTier(serveTier)) {
      throw new CliError(
        `invalid --serve-tier ${JSON.stringify(serveTier)}: use ${serviceTiers.join(', ')}`,
      );
    }
    const port = readNumber({
      value: values.port ?? env.OPENAI_LOCAL_PORT,
      flag: '--port',
      integer: true,
    });
    if (port !== undefined && port > 65_535)
      throw new CliError(`invalid --port ${port}: use 0 to 65535`);
    const key = (flag: string, value: string | undefined) => {
      if (value !== undefined && value.trim() === '')
        throw new CliError(`empty ${flag}: pass a key or leave the option out`);
      return value;
    };
    const dataDir = values['data-dir'] ?? env.OPENAI_LOCAL_DATA_DIR;
    const path = (value: string) => (isAbsolute(value) ? value : resolve(cwd, value));
    return {
      success: true,
      value: {
        help: false,
        quiet: values.quiet === true,
        options: {
          port,
          host: values.host,
          tokensPerSecond:
            readNumber({
              value: values['tokens-per-second'] ?? env.OPENAI_LOCAL_TOKENS_PER_SECOND,
              flag: '--tokens-per-second',
            }) ?? 50,
          seed: readNumber({ value: values.seed, flag: '--seed', integer: true }),
          models: readModels(values.model),
          replay: values.replay?.map(path),
          replayFallback,
          apiKey: key('--api-key', values['api-key'] ?? env.OPENAI_LOCAL_API_KEY),
          adminKey: key('--admin-key', values['admin-key'] ?? env.OPENAI_LOCAL_ADMIN_KEY),
          dataDir: dataDir === undefined || dataDir === '' ? undefined : path(dataDir),
          serveTier,
          bodyLimitBytes: readNumber({
            value: values['body-limit'],
            flag: '--body-limit',
            integer: true,
            minimum: 1,
          }),
          promptCacheSize: readNumber({
            value: values['prompt-cache-size'],
            flag: '--prompt-cache-size',
            integer: true,
          }),
        },
      },
    };
  } catch (error) {
    // parseArgs' own errors (unknown flag, missing value) carry a code; keep their message only.
    const message = error instanceof Error ? error.message : String(error);
    return {
      success: false,
      error: message.replace(/\. To specify a positional argument.*$/s, ''),
    };
  }
}
