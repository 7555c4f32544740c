import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openMeterMeters } from '@llm-meter/meter-core';
import { createUsageOutbox, type UsageOutbox } from '@llm-meter/meter-outbox';
import { type BilledRequest, startOpenAILocal, usageLedgerFileName } from '@llm-meter/openai-local';
import { createOpenMeterClient } from '@llm-meter/openmeter-client';
import { startOpenMeterLocal } from '@llm-meter/openmeter-local';

/** What openmeter-local stored for one event, as its events list returns it. */
export interface StoredEvent {
  id: string;
  type: string;
  subject: string;
  data: Record<string, unknown>;
}

/**
 * openai-local (with a ledger on disk) and openmeter-local on 127.0.0.1, an outbox delivering
 * to the latter, and readers of both sides: the simulator's ledger and OpenMeter's events.
 */
export async function startServers({ tokensPerSecond }: { tokensPerSecond?: number } = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-sdk-ledger-'));
  const outboxDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-sdk-outbox-'));
  const openaiLocal = await startOpenAILocal({ dataDir, tokensPerSecond });
  const openMeter = await startOpenMeterLocal({ meters: openMeterMeters });
  const client = createOpenMeterClient({ baseUrl: openMeter.url });
  const outbox: UsageOutbox = await createUsageOutbox({
    client,
    dir: outboxDir,
    flushIntervalMs: 5,
    logger: false,
  });
  const ledger = (): BilledRequest[] => {
    const file = path.join(dataDir, usageLedgerFileName);
    if (!fs.existsSync(file)) return [];
    return fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as BilledRequest);
  };
  const events = async (subject: string): Promise<StoredEvent[]> => {
    const response = await fetch(
      `${openMeter.url}/api/v1/events?subject=${encodeURIComponent(subject)}&limit=100`,
    );
    if (!response.ok) throw new Error(`openmeter-local events: ${response.status}`);
    const listed = (await response.json()) as Array<{ event: StoredEvent }>;
    return listed.map((item) => item.event);
  };
  return {
    openaiLocal,
    outbox,
    ledger,
    events,
    async close() {
      await outbox.close();
      await openaiLocal.close();
      await openMeter.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.rmSync(outboxDir, { recursive: true, force: true });
    },
  };
}
