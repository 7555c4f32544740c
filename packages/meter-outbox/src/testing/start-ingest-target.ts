import * as openmeterLocal from '@llm-meter/openmeter-local';
import { startTestOpenMeter } from './start-test-openmeter.js';

/**
 * Starts openmeter-local when it is available (falls back to the small test server), with a
 * `tokens_total` meter summing `data.total_tokens` of `llm.usage` events.
 */
export async function startIngestTarget() {
  const start = (openmeterLocal as Record<string, unknown>).startOpenMeterLocal;
  if (typeof start === 'function') {
    throw new Error('openmeter-local landed: wire it here');
  }
  const server = await startTestOpenMeter();
  return {
    kind: 'test server (node:http, in-memory dedup)',
    url: server.url,
    port: server.port,
    async countEvents(source: string) {
      return [...server.stored.values()].filter((event) => event.source === source).length;
    },
    async totalTokens() {
      return server.totalTokens();
    },
    close: () => server.close(),
  };
}
