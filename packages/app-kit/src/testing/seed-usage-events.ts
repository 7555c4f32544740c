import { openMeterMeters } from '@llm-meter/meter-core';
import type { OutboxEvent } from '@llm-meter/meter-outbox';
import { createOpenMeterClient } from '@llm-meter/openmeter-client';
import { createOpenMeterV3Client } from '@llm-meter/openmeter-client/v3';
import { startOpenMeterLocal } from '@llm-meter/openmeter-local';
import { createTokenTypeIngest } from '../create-token-type-ingest.js';
import { ensureCustomers } from '../ensure-customers.js';

/**
 * The seeded usage: two days, three subjects (one named like a script, to show it is escaped), a
 * priced and an unpriced model.
 */
export const seededUsage = [
  {
    id: 'seed-1',
    time: '2026-12-01T10:00:00.000Z',
    subject: 'customer-acme',
    model: 'gpt-4o-mini-2024-07-18',
    prompt_tokens: 1000,
    cached_tokens: 0,
    completion_tokens: 100,
  },
  {
    id: 'seed-2',
    time: '2026-12-02T09:00:00.000Z',
    subject: 'customer-acme',
    model: 'gpt-4o-mini-2024-07-18',
    prompt_tokens: 2000,
    cached_tokens: 1024,
    completion_tokens: 50,
  },
  {
    id: 'seed-3',
    time: '2026-12-02T11:00:00.000Z',
    subject: 'customer-acme',
    model: 'gpt-4o-mini-2024-07-18',
    prompt_tokens: 500,
    cached_tokens: 0,
    completion_tokens: 20,
  },
  {
    id: 'seed-4',
    time: '2026-12-02T12:00:00.000Z',
    subject: 'customer-globex',
    model: 'house-model-7b',
    prompt_tokens: 300,
    cached_tokens: 0,
    completion_tokens: 30,
  },
  {
    id: 'seed-5',
    time: '2026-12-01T15:00:00.000Z',
    subject: '<script>alert("subject")</script>',
    model: 'gpt-4.1-mini-2025-04-14',
    prompt_tokens: 40,
    cached_tokens: 0,
    completion_tokens: 4,
  },
] as const;

/**
 * Writes the seeded usage events into openmeter-local's database at `dbPath` (created with the
 * shipped meters), through its HTTP API, and stops it again. `apiVersion: 'v3'` delivers them as
 * the apps do on v3: a customer per subject, each usage event with its token-type events.
 */
export async function seedUsageEvents({
  dbPath,
  apiVersion = 'v1',
}: {
  dbPath: string;
  apiVersion?: 'v1' | 'v3' | undefined;
}): Promise<void> {
  const local = await startOpenMeterLocal({ meters: openMeterMeters, dbPath });
  try {
    let client: { events: { ingest(events: OutboxEvent[]): Promise<void> } } =
      createOpenMeterClient({ baseUrl: local.url });
    if (apiVersion === 'v3') {
      const v3 = createOpenMeterV3Client({ baseUrl: `${local.url}/api/v3` });
      await ensureCustomers({
        client: v3,
        subjects: seededUsage.map((usage) => usage.subject),
        announce: () => {},
      });
      client = createTokenTypeIngest({ client: v3, usageEventType: 'openai' });
    }
    await client.events.ingest(
      seededUsage.map((usage) => ({
        specversion: '1.0',
        id: usage.id,
        source: 'seed',
        type: 'openai',
        subject: usage.subject,
        time: usage.time,
        data: {
          provider: 'openai',
          model: usage.model,
          service_tier: 'default',
          endpoint: 'chat.completions',
          usage_source: 'provider',
          prompt_tokens: usage.prompt_tokens,
          cached_tokens: usage.cached_tokens,
          completion_tokens: usage.completion_tokens,
          total_tokens: usage.prompt_tokens + usage.completion_tokens,
        },
      })),
    );
  } finally {
    await local.close();
  }
}
