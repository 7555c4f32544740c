// Test child: opens an outbox on argv[2] (OpenMeter unreachable), prints `ready <pid>`, then
// enqueues one event every few milliseconds and prints `acked <id>` once enqueue returned.
// SIGTERM closes it (what is owed stays journaled).
import { createUsageOutbox } from '../create-usage-outbox.js';
import { createTestEvent } from './start-test-openmeter.js';

const dir = process.argv[2] as string;
const prefix = process.argv[3] ?? 'held';
const outbox = await createUsageOutbox({
  client: { events: { ingest: () => new Promise<void>(() => {}) } },
  dir,
  logger: false,
  drainOnExitMs: false,
});
// The handler goes first: a SIGTERM sent as soon as `ready` is read must find it.
process.once('SIGTERM', () => {
  clearInterval(timer);
  void outbox.close({ deadlineMs: 0 }).then(() => process.exit(0));
});
process.stdout.write(`ready ${process.pid}\n`);
let index = 0;
const timer: NodeJS.Timeout = setInterval(() => {
  const event = { ...createTestEvent({ index }), id: `${prefix}-${index}` };
  index++;
  try {
    outbox.enqueue(event);
    process.stdout.write(`acked ${event.id}\n`);
  } catch (error) {
    process.stdout.write(`refused ${event.id} ${(error as Error).name}\n`);
  }
}, 3);
