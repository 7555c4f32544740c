// Runs openmeter-local in its own process (as OpenMeter would be) for benchmarks; prints its URL.
import { startOpenMeterLocal } from '@llm-meter/openmeter-local';
import { testMeters } from './start-ingest-target.js';

const server = await startOpenMeterLocal({ port: 0, dbPath: ':memory:', meters: [...testMeters] });
// The handler goes first: a SIGTERM sent as soon as the URL is read must find it.
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
process.stdout.write(`${server.url}\n`);
