import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
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
export async function startIngestTarget({
  port = 0,
  childProcess = false,
}: {
  port?: number;
  /** Run the server in its own process (benchmarks: it must not share our event loop). */
  childProcess?: boolean;
} = {}) {
  const server = childProcess
    ? await spawnOpenMeterLocal()
    : await startOpenMeterLocal({ port, dbPath: ':memory:', meters: [...testMeters] });
  const client = createOpenMeterClient({ baseUrl: server.url });
  const sum = async ({ slug, subject }: { slug: string; subject?: string | undefined }) => {
    const result = await client.meters.query(slug, subject ? { subject: [subject] } : {});
    return result.data.reduce((total, row) => total + Number(row.value ?? 0), 0);
  };
  return {
    kind: `openmeter-local (SQLite :memory:, ${childProcess ? 'child process' : 'same process'})`,
    url: server.url,
    port: server.port,
    countEvents: (subject?: string) => sum({ slug: 'test_events', subject }),
    totalTokens: (subject?: string) => sum({ slug: 'test_tokens_total', subject }),
    close: () => server.close(),
  };
}

async function spawnOpenMeterLocal() {
  const child = spawn(
    process.execPath,
    ['--conditions=@llm-meter/source', '--import', 'tsx', 'src/testing/serve-openmeter-local.ts'],
    { cwd: fileURLToPath(new URL('../..', import.meta.url)), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('\n')) resolve(output.trim());
    });
    child.once('exit', (code) => reject(new Error(`openmeter-local exited with ${code}`)));
  });
  return {
    url,
    port: Number(new URL(url).port),
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
