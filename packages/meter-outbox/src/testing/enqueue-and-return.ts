// Test child: enqueues argv[3] events for the OpenMeter at argv[2] into the outbox dir argv[4]
// and returns without close(): the outbox must drain on the normal exit by itself.
import { createOpenMeterClient } from '@llm-meter/openmeter-client';
import { createUsageOutbox } from '../create-usage-outbox.js';
import { createTestEvent } from './start-test-openmeter.js';

const [url, count, dir] = process.argv.slice(2) as [string, string, string];
const outbox = await createUsageOutbox({
  client: createOpenMeterClient({ baseUrl: url }),
  dir,
  flushIntervalMs: 60_000,
  // The drain on exit is what is tested, not how fast a loaded machine delivers: a bound far
  // beyond any run (default 10 s).
  drainOnExitMs: 10 * 60_000,
});
for (let index = 0; index < Number(count); index++) {
  outbox.enqueue(createTestEvent({ index, tokens: 2 }));
}
