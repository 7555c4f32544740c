// Child process for crash tests: enqueues numbered events forever (until SIGKILL), reporting
// progress on stdout. Usage: produce-usage.ts <dir> <openmeter url> [open-stream]
import { createOpenMeterClient } from '@llm-meter/openmeter-client';
import { createUsageOutbox } from '../create-usage-outbox.js';
import { createTestEvent } from './start-test-openmeter.js';

const [dir, url, mode] = process.argv.slice(2);
const outbox = await createUsageOutbox({
  client: createOpenMeterClient({ baseUrl: url as string, retry: false, timeoutMs: 2000 }),
  dir,
  // Full batches only (the timer never fires first): whatever follows the last full batch is
  // still pending when the parent kills us, so the restart always has work to do.
  batchSize: 1000,
  flushIntervalMs: 60_000,
  logger: false,
});
if (mode === 'open-stream') {
  const estimate = createTestEvent({ index: 0, tokens: 50, subject: 'stream-subject' });
  outbox.openStream({
    ...estimate,
    id: 'stream-1',
    data: { ...estimate.data, usage_source: 'estimated', estimate_reason: 'crashed' },
  });
}
let index = 0;
const produce = () => {
  for (let count = 0; count < 50; count++) {
    outbox.enqueue(createTestEvent({ index, tokens: (index % 13) + 1 }));
    index++;
  }
  process.stdout.write(`enqueued ${index}\n`);
  setTimeout(produce, 1);
};
produce();
