import { CloudEventError } from '@llm-meter/meter-core/cloudevents';
import {
  createOpenMeterClient,
  InvalidEventError,
  type OpenMeterClient,
} from '@llm-meter/openmeter-client';
import { type OpenMeterLocal, startOpenMeterLocal } from '@llm-meter/openmeter-local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUsageOutbox } from './create-usage-outbox.js';
import { InvalidUsageEventError } from './errors.js';
import type { UsageOutbox } from './usage-outbox-types.js';

// The three places a user hands an event in: the client's ingest, the outbox's enqueue and
// openmeter-local's POST /api/v1/events. They share meter-core's parseCloudEvent, so the same
// event is refused by all three, naming the same field.

let openmeter: OpenMeterLocal;
let client: OpenMeterClient;
let outbox: UsageOutbox;
beforeAll(async () => {
  openmeter = await startOpenMeterLocal({ dbPath: ':memory:' });
  client = createOpenMeterClient({ baseUrl: openmeter.url, retry: false });
  outbox = await createUsageOutbox({ client, logger: false, drainOnExitMs: false });
});
afterAll(async () => {
  await outbox.close();
  await openmeter.close();
});

const valid = {
  specversion: '1.0',
  id: 'same-refusals',
  source: 'test',
  type: 'llm.usage',
  subject: 'customer-1',
  time: '2026-01-01T00:00:00.000Z',
  data: { total_tokens: 1 },
};

/** What `attempt` threw (undefined when it returned). */
async function thrown(attempt: () => unknown): Promise<unknown> {
  try {
    await attempt();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** The field an entry point's error names, and the field of the check's error (its cause). */
function namedFields(error: unknown) {
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).cause).toBeInstanceOf(CloudEventError);
  return {
    field: (error as { field: string }).field,
    checkedField: ((error as Error).cause as CloudEventError).field,
  };
}

async function clientRefusal(event: unknown) {
  const error = await thrown(() => client.events.ingest(event as never));
  expect(error).toBeInstanceOf(InvalidEventError);
  return namedFields(error);
}

async function outboxRefusal(event: unknown) {
  const error = await thrown(() => outbox.enqueue(event as never));
  expect(error).toBeInstanceOf(InvalidUsageEventError);
  return namedFields(error);
}

describe('one event check: the same refusals at every entry point', () => {
  it.each([
    // The issue's example: the client refused it, openmeter-local stored it.
    { name: 'a whitespace-only id', given: { id: '   ' }, field: 'id' },
    { name: 'an empty id', given: { id: '' }, field: 'id' },
    { name: 'a numeric id', given: { id: 7 }, field: 'id' },
    { name: 'a tab as source', given: { source: '\t' }, field: 'source' },
    { name: 'an empty type', given: { type: '' }, field: 'type' },
    { name: 'no subject', given: { subject: undefined }, field: 'subject' },
    { name: 'a whitespace-only subject', given: { subject: ' \n' }, field: 'subject' },
    { name: 'specversion 0.3', given: { specversion: '0.3' }, field: 'specversion' },
    { name: 'time "Jan 1 2024"', given: { time: 'Jan 1 2024' }, field: 'time' },
    { name: 'a time without offset', given: { time: '2024-01-01T00:00:00' }, field: 'time' },
    { name: 'an impossible date', given: { time: '2025-02-30T00:00:00Z' }, field: 'time' },
    { name: 'time in milliseconds', given: { time: 1_736_935_200_000 }, field: 'time' },
    { name: 'data an array', given: { data: [1, 2] }, field: 'data' },
    {
      name: 'datacontenttype xml',
      given: { datacontenttype: 'application/xml' },
      field: 'datacontenttype',
    },
    { name: 'a relative dataschema', given: { dataschema: 'usage.json' }, field: 'dataschema' },
  ])('$name is refused naming $field', async ({ given, field }) => {
    const event = { ...valid, ...given };
    const storedBefore = (await client.events.list({ from: '2000-01-01T00:00:00Z' })).length;

    expect(await clientRefusal(event)).toEqual({ field: `event.${field}`, checkedField: field });
    expect(await outboxRefusal(event)).toEqual({ field, checkedField: field });
    const response = await fetch(`${openmeter.url}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify(event),
    });
    expect(response.status).toBe(400);
    const problem = (await response.json()) as {
      extensions: { validationErrors: Array<{ field: string }> };
    };
    expect(problem.extensions.validationErrors.map((issue) => issue.field)).toEqual([field]);

    expect(outbox.stats().pending).toBe(0);
    expect(await client.events.list({ from: '2000-01-01T00:00:00Z' })).toHaveLength(storedBefore);
  });

  // A Date never crosses HTTP (JSON has none): only the in-process entry points see one.
  it.each([
    { name: 'an invalid Date', time: new Date(Number.NaN) },
    { name: 'a Date past the year 9999', time: new Date(Date.UTC(10_000, 0, 1)) },
  ])('$name is refused by the client and the outbox, naming time', async ({ time }) => {
    const event = { ...valid, time };
    expect(await clientRefusal(event)).toEqual({ field: 'event.time', checkedField: 'time' });
    expect(await outboxRefusal(event)).toEqual({ field: 'time', checkedField: 'time' });
  });
});
