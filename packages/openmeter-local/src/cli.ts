#!/usr/bin/env node
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { openMeterMeters } from '@llm-meter/meter-core';
import { createLogger } from './create-logger.js';
import { CLI_USAGE, safeParseCliArguments } from './parse-cli-arguments.js';
import { startOpenMeterLocal } from './start-open-meter-local.js';

// Entry point of the `openmeter-local` command: parse flags, start, print the URL, and close
// the database cleanly on SIGINT/SIGTERM.
async function main(): Promise<number> {
  const parsed = safeParseCliArguments({
    argv: process.argv.slice(2),
    env: process.env,
    cwd: process.cwd(),
  });
  if (!parsed.success) {
    process.stderr.write(`openmeter-local: ${parsed.error} (see openmeter-local --help)\n`);
    return 2;
  }
  const settings = parsed.value;
  if (settings.help) {
    process.stdout.write(`${CLI_USAGE}\n`);
    return 0;
  }
  const logger = createLogger({ level: settings.logLevel });
  let server: Awaited<ReturnType<typeof startOpenMeterLocal>>;
  try {
    // The apps create the data directory on a fresh clone; so does the command.
    if (settings.createDbFolder) createFolder(dirname(settings.dbPath));
    server = await startOpenMeterLocal({
      port: settings.port,
      host: settings.host,
      dbPath: settings.dbPath,
      // Without a file, the LLM token meters the apps create on the same database.
      meters: settings.metersFile === undefined ? openMeterMeters : undefined,
      metersFile: settings.metersFile,
      pruneMeters: settings.pruneMeters,
      apiKey: settings.apiKey,
      logger,
    });
  } catch (error) {
    process.stderr.write(`openmeter-local: ${(error as Error).message}\n`);
    return 1;
  }
  // Handlers before the "listening" line: a signal sent as soon as it is read must find them.
  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info(`received ${signal}, shutting down`);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stdout.write(
    `openmeter-local listening on ${server.url} (db ${settings.dbPath}, meters ${settings.metersFile ?? "from @llm-meter/meter-core, the apps' LLM token meters"}${settings.apiKey ? ', API key required' : ''})\n` +
      `Point the client at it: OPENMETER_URL=${server.url}\n`,
  );
  await stopped;
  await server.close();
  return 0;
}

function createFolder(folder: string): void {
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw new Error(
      `Cannot create the folder ${folder} for the database: ${(error as Error).message}; set LLM_METER_DATA_DIR or OPENMETER_LOCAL_DB, or pass --db.`,
      { cause: error },
    );
  }
}

process.exitCode = await main();
