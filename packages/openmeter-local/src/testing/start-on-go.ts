// Test child: loads openmeter-local, prints `ready`, waits for a line on stdin, then starts it
// on the database argv[2] with meter-core's meters (as the apps do), prints `started` or
// `failed <message>`, and closes. Two of them told to go at once race on one database.
import { once } from 'node:events';
import { openMeterMeters } from '@llm-meter/meter-core';
import { startOpenMeterLocal } from '../start-open-meter-local.js';

const dbPath = process.argv[2] as string;
process.stdout.write('ready\n');
await once(process.stdin, 'data');
process.stdin.destroy();
try {
  const server = await startOpenMeterLocal({ dbPath, meters: openMeterMeters });
  process.stdout.write('started\n');
  await server.close();
} catch (error) {
  process.stdout.write(`failed ${(error as Error).message}\n`);
  process.exitCode = 1;
}
