// Child process for the SIGTERM test: enqueues <count> events, then waits for SIGTERM and lets
// closeOnSignals drain them. Usage: drain-on-sigterm.ts <dir> <openmeter url> <count>
import { createOpenMeterClient } from '@llm-meter/openmeter-client';
import { closeOnSignals } from '../close-on-signals.js';
import { createProgressPrinter } from '../create-progress-printer.js';
import { createUsageOutbox } from '../create-usage-outbox.js';
import { createTestEvent } from './start-test-openmeter.js';

const [dir, url, count] = process.argv.slice(2);
const outbox = await createUsageOutbox({
  client: createOpenMeterClient({ baseUrl: url as string, retry: false }),
  dir,
  batchSize: 100,
  flushIntervalMs: 60_000,
  logger: false,
});
closeOnSignals({
  outbox,
  // No bound: the test decides when OpenMeter answers, so a drain is never a race with a clock.
  deadlineMs: Number.POSITIVE_INFINITY,
  onProgress: createProgressPrinter({ minPending: 1 }),
});
for (let index = 0; index < Number(count); index++) outbox.enqueue(createTestEvent({ index }));
process.stdout.write('ready\n');
setInterval(() => {}, 1000);
