// openai-local (with its ledger on disk) and openmeter-local for the SDK wrappers' tests, an outbox
// delivering to openmeter-local, and the two sides of the comparison: what openai-local billed
// and what reached OpenMeter.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createUsageOutbox, type UsageOutbox } from '@llm-meter/meter-outbox';
import { type BilledRequest, startOpenAILocal, usageLedgerFileName } from '@llm-meter/openai-local';
import { createOpenMeterClient } from '@llm-meter/openmeter-client';
import { startOpenMeterLocal } from '@llm-meter/openmeter-local';

/** The usage an event reached OpenMeter with. */
export interface MeteredEvent {
  id: string;
  subject: string;
  data: Record<string, unknown> & {
    prompt_tokens: number;
    completion_tokens: number;
    usage_source: string;
  };
}

/** One metered event's tokens beside openai-local's ledger line of the same id (if any). */
export interface LedgerComparison {
  id: string;
  usage_source: string;
  /** `[prompt_tokens, completion_tokens]` as metered. */
  metered: [number, number];
  /** `[input_tokens, output_tokens]` as billed, or `undefined` when nothing was billed under the id. */
  billed: [number, number] | undefined;
}

/** Started servers and helpers; `close` stops them and removes the directories. */
export interface MeteredServers {
  openaiUrl: string;
  /** openai-local's origin, the base URL of the Anthropic and Google Gen AI SDKs. */
  origin: string;
  outbox: UsageOutbox;
  /** Directory of a fresh outbox (e.g. for a child process). */
  createOutboxDir(): string;
  /** Every line of openai-local's ledger (one per billed request). */
  billed(): BilledRequest[];
  /** Delivers what the outbox holds, then lists the events of `subject` in OpenMeter. */
  metered(subject: string): Promise<MeteredEvent[]>;
  /** Each metered event of `subject` beside what openai-local billed under its id. */
  compareWithLedger(subject: string): Promise<LedgerComparison[]>;
  close(): Promise<void>;
}

/** Starts the servers (openai-local paced at `tokensPerSecond`, unpaced by default). */
export async function startMeteredServers({
  tokensPerSecond,
}: {
  tokensPerSecond?: number | undefined;
} = {}): Promise<MeteredServers> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'llm-meter-openai-'));
  const dataDir = path.join(root, 'openai-local');
  fs.mkdirSync(dataDir);
  const openai = await startOpenAILocal({ dataDir, tokensPerSecond: tokensPerSecond ?? 0 });
  const openmeter = await startOpenMeterLocal();
  const client = createOpenMeterClient({ baseUrl: openmeter.url });
  const outbox = await createUsageOutbox({
    client,
    dir: path.join(root, 'outbox'),
    flushIntervalMs: 5,
    logger: false,
  });
  let outboxes = 0;
  const servers: MeteredServers = {
    openaiUrl: openai.url,
    origin: new URL(openai.url).origin,
    outbox,
    createOutboxDir: () => path.join(root, `outbox-${++outboxes}`),
    billed() {
      const file = path.join(dataDir, usageLedgerFileName);
      if (!fs.existsSync(file)) return [];
      return fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as BilledRequest & { deleted?: unknown })
        .filter((line) => typeof line.endpoint === 'string');
    },
    async metered(subject) {
      await outbox.flush();
      const listed = await client.events.list({ subject, from: '2000-01-01T00:00:00Z' });
      return listed.map(({ event }) => event as unknown as MeteredEvent);
    },
    async compareWithLedger(subject) {
      const events = await servers.metered(subject);
      const billed = new Map(servers.billed().map((line) => [line.id, line]));
      return events.map((event) => {
        const line = billed.get(event.id);
        return {
          id: event.id,
          usage_source: event.data.usage_source,
          metered: [event.data.prompt_tokens, event.data.completion_tokens],
          billed: line ? [line.input_tokens, line.output_tokens] : undefined,
        };
      });
    },
    async close() {
      await outbox.close({ deadlineMs: 1_000 });
      await openai.close();
      await openmeter.close();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
  return servers;
}
