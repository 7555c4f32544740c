import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createOpenMeterClient } from '@llm-meter/openmeter-client';
import { startOpenMeterLocal } from '@llm-meter/openmeter-local';
import { afterEach, describe, expect, it } from 'vitest';
import { createUsageOutbox } from './create-usage-outbox.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface RecordedCompletion {
  id: string;
  created: number;
  model: string;
  usage: { total_tokens: number };
}

// The recorded exchanges live beside the repository (shared/fixtures/openai), read in place.
const fixturesDirectory = new URL('../../../../shared/fixtures/openai/', import.meta.url);

/** The first recorded (non-streamed) chat completion with usage. */
function readRecordedCompletion(): RecordedCompletion {
  for (const file of fs.readdirSync(fixturesDirectory).sort()) {
    if (!file.endsWith('.jsonl')) continue;
    for (const line of fs.readFileSync(new URL(file, fixturesDirectory), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const record = JSON.parse(line) as {
        endpoint?: string;
        stream?: boolean;
        response?: Partial<RecordedCompletion> | null;
      };
      const response = record.response;
      if (
        record.endpoint === 'chat.completions' &&
        !record.stream &&
        typeof response?.id === 'string' &&
        typeof response.created === 'number' &&
        typeof response.model === 'string' &&
        typeof response.usage?.total_tokens === 'number'
      ) {
        return response as RecordedCompletion;
      }
    }
  }
  throw new Error(`No recorded chat completion with usage in ${fixturesDirectory.pathname}`);
}

describe('enqueue with a Date time', () => {
  it("delivers OpenMeter's seed event (time: new Date(completion.created * 1000)) into openmeter-local", async () => {
    const completion = readRecordedCompletion();
    const openmeter = await startOpenMeterLocal({
      dbPath: ':memory:',
      meters: [
        {
          slug: 'seed_tokens_total',
          eventType: 'openai',
          aggregation: 'SUM',
          valueProperty: '$.total_tokens',
          groupBy: { model: '$.model' },
        },
      ],
    });
    cleanups.push(() => openmeter.close());
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-outbox-seed-'));
    cleanups.push(() => fs.rmSync(directory, { recursive: true, force: true }));
    const client = createOpenMeterClient({ baseUrl: openmeter.url, retry: false });
    const outbox = await createUsageOutbox({
      client,
      dir: directory,
      flushIntervalMs: 10,
      logger: false,
    });
    cleanups.push(async () => void (await outbox.close({ deadlineMs: 100 })));

    // The event exactly as OpenMeter's OpenAI example (examples/ingest-openai-node) builds it.
    outbox.enqueue({
      specversion: '1.0',
      id: completion.id,
      source: 'my-app',
      type: 'openai',
      subject: 'my-awesome-user-id',
      time: new Date(completion.created * 1000),
      data: { total_tokens: completion.usage.total_tokens, model: completion.model },
    });

    expect(await outbox.flush()).toEqual({ drained: true, pending: 0, openStreams: 0 });
    expect(outbox.stats()).toMatchObject({ delivered: 1, deadLettered: 0 });
    const time = new Date(completion.created * 1000).toISOString();
    const listed = await client.events.list({ id: completion.id, from: '2000-01-01T00:00:00Z' });
    expect(listed.map((item) => item.event)).toEqual([
      {
        specversion: '1.0',
        id: completion.id,
        source: 'my-app',
        type: 'openai',
        subject: 'my-awesome-user-id',
        time,
        data: { total_tokens: completion.usage.total_tokens, model: completion.model },
      },
    ]);
    const usage = await client.meters.query('seed_tokens_total', {
      from: '2000-01-01T00:00:00Z',
      subject: ['my-awesome-user-id'],
      groupBy: ['model'],
    });
    expect(usage.data.map((row) => [row.groupBy?.model, row.value])).toEqual([
      [completion.model, completion.usage.total_tokens],
    ]);
  });
});
