import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createUsageOutbox } from './create-usage-outbox.js';
import { InvalidUsageEventError } from './errors.js';
import type { OutboxEvent, OutboxIngestClient } from './outbox-event.js';
import { createTestEvent } from './testing/start-test-openmeter.js';

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0))
    fs.rmSync(directory, { recursive: true, force: true });
});

function recordingClient() {
  const received: OutboxEvent[] = [];
  return {
    received,
    client: { events: { ingest: async (events: OutboxEvent[]) => void received.push(...events) } },
  };
}

async function open(
  dir: string | undefined,
  client: OutboxIngestClient = recordingClient().client,
) {
  return createUsageOutbox({ client, dir, flushIntervalMs: 5, logger: false });
}

describe('openStream', () => {
  it('delivers only the final event of a completed stream, keeping its id', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-outbox-'));
    directories.push(dir);
    const { received, client } = recordingClient();
    const outbox = await open(dir, client);
    const estimate = createTestEvent({ index: 1, tokens: 12 });
    const handle = outbox.openStream({
      ...estimate,
      data: { ...estimate.data, usage_source: 'estimated' },
    });
    expect(outbox.stats().openStreams).toBe(1);
    handle.update({
      ...estimate,
      data: { ...estimate.data, completion_tokens: 5, total_tokens: 17 },
    });
    expect(() => handle.complete({ ...estimate, source: 'other' })).toThrow(InvalidUsageEventError);
    handle.complete({
      ...estimate,
      data: { ...estimate.data, completion_tokens: 40, total_tokens: 52 },
    });
    expect(() => handle.abandon()).toThrow(/already completed/);
    await outbox.close();
    expect(received.map((event) => [event.id, event.data?.total_tokens])).toEqual([
      ['event-1', 52],
    ]);
    const reopened = await open(dir);
    expect(reopened.stats()).toMatchObject({ pending: 0, openStreams: 0, recovered: 0 });
    await reopened.close();
  });

  it('delivers, unchanged, the crash event of a stream left open by a previous process', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-outbox-'));
    directories.push(dir);
    const never = { events: { ingest: () => new Promise<void>(() => {}) } };
    const first = await open(dir, never);
    const estimate = createTestEvent({ index: 7, tokens: 30 });
    const handle = first.openStream({
      ...estimate,
      data: { ...estimate.data, usage_source: 'estimated' },
    });
    handle.update({
      ...estimate,
      data: {
        ...estimate.data,
        total_tokens: 38,
        usage_source: 'estimated',
        estimate_reason: 'crashed',
      },
    });
    first.openStream(createTestEvent({ index: 8 })).abandon();
    await first.close({ deadlineMs: 20 });

    const { received, client } = recordingClient();
    const warnings: string[] = [];
    // Startup warnings are reported right after opening; a logger sees them whatever the timing
    // of a later `on('warning')` subscription.
    const second = await createUsageOutbox({
      client,
      dir,
      flushIntervalMs: 5,
      logger: { warn: (message) => warnings.push(message), error: () => undefined },
    });
    expect((await second.flush()).drained).toBe(true);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      id: 'event-7',
      data: { total_tokens: 38, usage_source: 'estimated', estimate_reason: 'crashed' },
    });
    expect(warnings.join('\n')).toMatch(/1 stream was still open/);
    expect(second.startupWarnings.map((notice) => notice.message).join('\n')).toMatch(
      /1 stream was still open/,
    );
    await second.close();
  });

  it('waits for open streams at close', async () => {
    const { received, client } = recordingClient();
    const outbox = await open(undefined, client);
    const handle = outbox.openStream(createTestEvent({ index: 3 }));
    // No deadline to race: close waits as long as the stream is open, then delivers its event.
    const closing = outbox.close({ deadlineMs: Number.POSITIVE_INFINITY });
    let closed = false;
    void closing.then(() => {
      closed = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    handle.complete(createTestEvent({ index: 3, tokens: 99 }));
    const result = await closing;
    expect(result.drained).toBe(true);
    expect(received.map((event) => event.data?.total_tokens)).toEqual([99]);
  });
});
