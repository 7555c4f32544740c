import { createOpenMeterV3Client } from '@llm-meter/openmeter-client/v3';
import { type OpenMeterLocal, startOpenMeterLocal } from '@llm-meter/openmeter-local';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ensureCustomers } from './ensure-customers.js';
import { loadAppConfig } from './load-app-config.js';

let openmeter: OpenMeterLocal;
beforeAll(async () => {
  openmeter = await startOpenMeterLocal();
});
afterAll(async () => {
  await openmeter?.close();
});

test('creates a customer for each subject no customer covers, and leaves the others alone', async () => {
  const client = createOpenMeterV3Client({ baseUrl: `${openmeter.url}/api/v3`, retry: false });
  await client.customers.create({
    key: 'acme',
    name: 'Acme',
    usage_attribution: { subject_keys: ['customer-acme'] },
  });
  await client.customers.create({ key: 'customer-globex', name: 'Globex' });
  const lines: string[] = [];
  const subjects = ['customer-acme', 'customer-globex', 'customer-initech', 'customer-initech'];
  const first = await ensureCustomers({ client, subjects, announce: (line) => lines.push(line) });
  expect(first.created).toEqual(['customer-initech']);
  expect(lines).toEqual([
    'OpenMeter v3: created customer(s) "customer-initech", each billed for the subject of its key',
  ]);
  const second = await ensureCustomers({ client, subjects, announce: (line) => lines.push(line) });
  expect(second.created).toEqual([]);
  expect(lines).toHaveLength(1);
  const keys = (await client.customers.list()).data.map((customer) => [
    customer.key,
    customer.usage_attribution?.subject_keys ?? [],
  ]);
  expect(keys).toEqual([
    ['acme', ['customer-acme']],
    ['customer-globex', []],
    ['customer-initech', ['customer-initech']],
  ]);
});

test.each([
  { env: {}, want: 'v1' },
  { env: { OPENMETER_API_VERSION: 'v3' }, want: 'v3' },
  { env: { OPENMETER_URL: 'https://eu.api.konghq.com' }, want: 'v3' },
])('OPENMETER_API_VERSION: $env gives $want', ({ env, want }) => {
  const config = loadAppConfig({
    app: 'test',
    defaults: { models: ['gpt-4o-mini'], subjects: ['customer-1'] },
    env,
    cwd: '/tmp',
  });
  expect(config.openmeter.apiVersion).toBe(want);
});

test('v1 on Kong Konnect is refused with the setting to change', () => {
  expect(() =>
    loadAppConfig({
      app: 'test',
      defaults: { models: ['gpt-4o-mini'], subjects: ['customer-1'] },
      env: { OPENMETER_URL: 'https://us.api.konghq.com', OPENMETER_API_VERSION: 'v1' },
      cwd: '/tmp',
    }),
  ).toThrow(/set OPENMETER_API_VERSION=v3/);
});
