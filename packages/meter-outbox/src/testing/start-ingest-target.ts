import { createOpenMeterClient } from '@llm-meter/openmeter-client';
import { startOpenMeterLocal } from '@llm-meter/openmeter-local';

/** Meters over the test events of `createTestEvent`. */
export const testMeters = [
  {
    slug: 'test_tokens_total',
    eventType: 'llm.usage',
    aggregation: 'SUM',
    valueProperty: '$.total_tokens',
  },
  { slug: 'test_events', eventType: 'llm.usage', aggregation: 'COUNT' },
] as const;

/**
 * Starts openmeter-local (in-memory SQLite, dedup on source + id) with {@link testMeters}, and
 * answers totals through the real meter query API.
 */
export async function startIngestTarget({ port = 0 }: { port?: number } = {}) {
  const server = await startOpenMeterLocal({ port, dbPath: ':memory:', meters: [...testMeters] });
  const client = createOpenMeterClient({ baseUrl: server.url });
  const sum = async ({ slug, subject }: { slug: string; subject?: string | undefined }) => {
    const result = await client.meters.query(slug, subject ? { subject: [subject] } : {});
    return result.data.reduce((total, row) => total + Number(row.value ?? 0), 0);
  };
  return {
    kind: 'openmeter-local (SQLite :memory:)',
    url: server.url,
    port: server.port,
    countEvents: (subject?: string) => sum({ slug: 'test_events', subject }),
    totalTokens: (subject?: string) => sum({ slug: 'test_tokens_total', subject }),
    close: () => server.close(),
  };
}
