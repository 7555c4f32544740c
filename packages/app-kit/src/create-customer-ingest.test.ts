import { openMeterMeters } from '@llm-meter/meter-core';
import { createOpenMeterV3Client } from '@llm-meter/openmeter-client/v3';
import { type OpenMeterLocal, startOpenMeterLocal } from '@llm-meter/openmeter-local';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { createCustomerIngest } from './create-customer-ingest.js';

let server: OpenMeterLocal;
beforeEach(async () => {
  server = await startOpenMeterLocal({ meters: openMeterMeters });
});
afterEach(async () => {
  await server.close();
});

const event = (id: string, subject: string) => ({
  specversion: '1.0',
  id,
  source: 'test',
  type: 'openai',
  subject,
  time: '2026-12-07T10:00:00Z',
  data: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
});

test("a batch's new subjects get a customer before it is sent, each checked once", async () => {
  const v3 = createOpenMeterV3Client({ baseUrl: `${server.url}/api/v3`, retry: false });
  const announced: string[] = [];
  let lists = 0;
  const counted = {
    customers: {
      ...v3.customers,
      list: (query: Parameters<typeof v3.customers.list>[0]) => {
        lists += 1;
        return v3.customers.list(query);
      },
    },
  };
  const ingest = createCustomerIngest({
    client: v3,
    customers: counted,
    known: ['customer-known'],
    announce: (line) => announced.push(line),
    onError: (error) => {
      throw error;
    },
  });
  await ingest.events.ingest([event('e-1', 'from-request'), event('e-2', 'customer-known')]);
  await ingest.events.ingest([event('e-3', 'from-request')]);
  const customers = await v3.customers.list();
  expect(customers.data.map((customer) => [customer.key, customer.usage_attribution])).toEqual([
    ['from-request', { subject_keys: ['from-request'] }],
  ]);
  expect(announced).toEqual([
    'OpenMeter v3: created customer(s) "from-request", each billed for the subject of its key',
  ]);
  // One check (by subject key, then by key) for the one new subject, none for the second batch.
  expect(lists).toBe(2);
  expect((await v3.events.list()).data).toHaveLength(3);
});
