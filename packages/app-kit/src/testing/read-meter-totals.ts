import { openMeterMeters } from '@llm-meter/meter-core';
import { createOpenMeterClient, type IngestedEvent } from '@llm-meter/openmeter-client';
import { startOpenMeterLocal } from '@llm-meter/openmeter-local';

/**
 * Opens an openmeter-local database file the apps wrote, and returns the all-time sums of the
 * LLM token meters and the stored events (newest first, up to 100).
 */
export async function readMeterTotals(dbPath: string): Promise<{
  prompt: number;
  cached: number;
  completion: number;
  total: number;
  events: IngestedEvent[];
}> {
  const server = await startOpenMeterLocal({ dbPath, meters: openMeterMeters });
  try {
    const client = createOpenMeterClient({ baseUrl: server.url });
    const sum = async (slug: string) =>
      (await client.meters.query(slug)).data.reduce((total, row) => total + row.value, 0);
    return {
      prompt: await sum('llm_prompt_tokens'),
      cached: await sum('llm_cached_tokens'),
      completion: await sum('llm_completion_tokens'),
      total: await sum('llm_tokens_total'),
      events: await client.events.list({ limit: 100 }),
    };
  } finally {
    await server.close();
  }
}
