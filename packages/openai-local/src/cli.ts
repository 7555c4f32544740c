#!/usr/bin/env node
import { cliUsage, safeParseCliArguments } from './cli/parse-cli-arguments.js';
import { startOpenAILocal } from './server/start-openai-local.js';

const parsed = safeParseCliArguments({
  argv: process.argv.slice(2),
  env: process.env,
  // pnpm runs package scripts inside the package; resolve paths from where the user typed them.
  cwd: process.env.INIT_CWD ?? process.cwd(),
});
if (!parsed.success) {
  console.error(`openai-local: ${parsed.error}. Run openai-local --help for the options.`);
  process.exit(1);
}
if (parsed.value.help) {
  console.log(cliUsage);
  process.exit(0);
}
const { options, quiet } = parsed.value;

const server = await startOpenAILocal({
  ...options,
  logger: quiet
    ? undefined
    : {
        info: (message) => console.error(`[openai-local] ${message}`),
        warn: (message) => console.error(`[openai-local] ${message}`),
      },
}).catch((error: unknown) => {
  // Bad option values and a port in use end here, in one line, not in a trace.
  console.error(`openai-local: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

// Handlers before the URL is printed: a signal sent as soon as it is read must find them.
let closing = false;
const shutdown = (signal: string) => {
  if (closing) return;
  closing = true;
  console.error(`[openai-local] ${signal}: closing`);
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(
        `openai-local: close failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));

// The URL alone on stdout, so scripts can capture it: OPENAI_BASE_URL=$(openai-local | head -1).
console.log(server.url);
console.error(
  `[openai-local] listening: set OPENAI_BASE_URL=${server.url} and ${
    options.apiKey === undefined
      ? 'any OPENAI_API_KEY'
      : 'OPENAI_API_KEY to the key it was started with'
  }; for Anthropic ANTHROPIC_BASE_URL=${server.url.replace(/\/v1$/, '')}, for Gemini GOOGLE_GEMINI_BASE_URL=${server.url.replace(/\/v1$/, '')}.${options.dataDir === undefined ? '' : ` Usage ledger in ${options.dataDir}.`} Ctrl-C to stop.`,
);
