#!/usr/bin/env node
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startOpenAILocal } from './start-openai-local.js';

const usage = `Usage: openai-local [options]

A local OpenAI-compatible server for development and tests (a simulator, not a model).

Options:
  --port <n>                TCP port (default 0 = any free port; env OPENAI_LOCAL_PORT)
  --host <address>          interface to bind (default 127.0.0.1)
  --tokens-per-second <n>   stream pace, 0 = as fast as possible (default 50)
  --seed <n>                varies the generated answers (default 0)
  --replay <path>           JSONL file or directory of recorded exchanges (repeatable)
  --replay-fallback <mode>  error (default) or generate, for requests not recorded
  --api-key <key>           the only Bearer key accepted (default: any non-empty key)
  --prompt-cache-size <n>   prompt prefixes the prompt cache remembers (default 10000, 0 = off)
  --quiet                   no request log
  -h, --help                show this help`;

function readNumber({
  value,
  flag,
}: {
  value: string | undefined;
  flag: string;
}): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) {
    console.error(
      `Invalid ${flag} ${JSON.stringify(value)}: pass a non-negative number.\n\n${usage}`,
    );
    process.exit(2);
  }
  return number;
}

// `pnpm openai-local -- --port 1234` passes the `--` through; drop it.
const args = process.argv.slice(2);
if (args[0] === '--') args.shift();

const { values } = parseArgs({
  args,
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'tokens-per-second': { type: 'string' },
    seed: { type: 'string' },
    replay: { type: 'string', multiple: true },
    'replay-fallback': { type: 'string' },
    'api-key': { type: 'string' },
    'prompt-cache-size': { type: 'string' },
    quiet: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
  strict: true,
});

if (values.help) {
  console.log(usage);
  process.exit(0);
}
const replayFallback = values['replay-fallback'];
if (replayFallback !== undefined && replayFallback !== 'error' && replayFallback !== 'generate') {
  console.error(
    `Invalid --replay-fallback ${JSON.stringify(replayFallback)}: use error or generate.`,
  );
  process.exit(2);
}

const server = await startOpenAILocal({
  port: readNumber({ value: values.port ?? process.env.OPENAI_LOCAL_PORT, flag: '--port' }),
  host: values.host,
  tokensPerSecond:
    readNumber({ value: values['tokens-per-second'], flag: '--tokens-per-second' }) ?? 50,
  seed: readNumber({ value: values.seed, flag: '--seed' }),
  // pnpm runs package scripts inside the package; resolve paths from where the user typed them.
  replay: values.replay?.map((path) => resolve(process.env.INIT_CWD ?? process.cwd(), path)),
  replayFallback,
  apiKey: values['api-key'],
  promptCacheSize: readNumber({ value: values['prompt-cache-size'], flag: '--prompt-cache-size' }),
  logger: values.quiet
    ? undefined
    : {
        info: (message) => console.error(`[openai-local] ${message}`),
        warn: (message) => console.error(`[openai-local] ${message}`),
      },
}).catch((error: unknown) => {
  // Bad option values (a fractional cache size, say) and a port in use end here, not in a trace.
  console.error(
    `[openai-local] ${error instanceof Error ? error.message : String(error)}\n\n${usage}`,
  );
  process.exit(error instanceof RangeError || error instanceof TypeError ? 2 : 1);
});

// The URL alone on stdout, so scripts can capture it: OPENAI_BASE_URL=$(openai-local | head -1).
console.log(server.url);
console.error(
  `[openai-local] listening: set OPENAI_BASE_URL=${server.url} and any OPENAI_API_KEY. Ctrl-C to stop.`,
);

let closing = false;
const shutdown = (signal: string) => {
  if (closing) return;
  closing = true;
  console.error(`[openai-local] ${signal}: closing`);
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error('[openai-local] close failed:', error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
