import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createOpenMeterClient } from '@llm-meter/openmeter-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createUsageOutbox } from './create-usage-outbox.js';
import { startIngestTarget } from './testing/start-ingest-target.js';
import { startTestOpenMeter } from './testing/start-test-openmeter.js';

const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Starts the producer child and SIGKILLs it once it reported at least `killAfter` events. */
async function produceThenKill({
  dir,
  url,
  killAfter,
  mode,
}: {
  dir: string;
  url: string;
  killAfter: number;
  mode?: string;
}) {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--conditions=@llm-meter/source',
      '--import',
      'tsx',
      'src/testing/produce-usage.ts',
      dir,
      url,
      ...(mode ? [mode] : []),
    ],
    { cwd: packageDirectory, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  cleanups.push(() => child.kill('SIGKILL'));
  let reported = 0;
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  // No timer: a slow producer on a loaded machine is waited for (Vitest's timeout guards a hang).
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      const matches = [...chunk.toString().matchAll(/enqueued (\d+)/g)];
      const last = matches.at(-1)?.[1];
      if (last) reported = Number(last);
      if (reported >= killAfter) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`producer exited early (${code}): ${stderr}`)));
  });
  await new Promise((resolve) => child.once('exit', resolve));
  return reported;
}

const tokensOf = (index: number) => (index % 13) + 1;

describe('crash recovery (kill -9 of a producing child process)', () => {
  it('delivers every journaled event exactly once in the totals after a restart on the same dir', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-outbox-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const server = await startIngestTarget();
    cleanups.push(() => server.close());
    const reported = await produceThenKill({
      dir,
      url: server.url,
      killAfter: 3100,
      mode: 'open-stream',
    });
    const deliveredBeforeCrash = await server.countEvents('customer-1');

    const outbox = await createUsageOutbox({
      client: createOpenMeterClient({ baseUrl: server.url, retry: false }),
      dir,
      flushIntervalMs: 5,
      logger: false,
    });
    cleanups.push(() => outbox.close({ deadlineMs: 100 }));
    expect(outbox.stats().recovered).toBeGreaterThan(0);
    expect((await outbox.flush()).drained).toBe(true);

    // Every event the child enqueued (at least what it reported) is counted once: with ids
    // event-0..event-(n-1) deduplicated, the SUM can only match if none is missing or doubled.
    const count = await server.countEvents('customer-1');
    expect(count).toBeGreaterThanOrEqual(reported);
    // The child may or may not have delivered all its plain events before the kill; what the
    // restart must deliver in any case is the open stream's crashed estimate (checked below).
    expect(count).toBeGreaterThanOrEqual(deliveredBeforeCrash);
    let expectedTokens = 0;
    for (let index = 0; index < count; index++) expectedTokens += tokensOf(index);
    expect(await server.totalTokens('customer-1')).toBe(expectedTokens);
    // The stream the child left open is metered as a crashed estimate.
    expect(await server.totalTokens('stream-subject')).toBe(50);
    const [crashed] = await createOpenMeterClient({ baseUrl: server.url }).events.list({
      id: 'stream-1',
      from: '2025-01-01T00:00:00Z',
    });
    expect(crashed?.event.data).toMatchObject({
      prompt_tokens: 50,
      usage_source: 'estimated',
      estimate_reason: 'crashed',
    });
  });

  it('drains on SIGTERM through closeOnSignals, printing progress, and exits 0', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-outbox-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    // OpenMeter answers nothing until the drain has printed its progress (which it does once
    // it has run for a second with events pending): events decide, not delays.
    let releaseAnswers: () => void = () => {};
    const answersReleased = new Promise<void>((resolve) => {
      releaseAnswers = resolve;
    });
    const server = await startTestOpenMeter({
      fault: () => ({ status: 204, release: answersReleased }),
    });
    cleanups.push(() => {
      releaseAnswers();
      return server.close();
    });
    const child = spawn(
      process.execPath,
      [
        '--conditions=@llm-meter/source',
        '--import',
        'tsx',
        'src/testing/drain-on-sigterm.ts',
        dir,
        server.url,
        '1200',
      ],
      { cwd: packageDirectory, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    cleanups.push(() => child.kill('SIGKILL'));
    let stderr = '';
    const progress = /meter-outbox: draining [\d,]+ pending \([\d,]+ events\/s/;
    const progressPrinted = new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        if (progress.test(stderr)) resolve();
      });
    });
    // 'close': after the exit and after all of stderr has been read.
    const closed = new Promise((resolve) => child.once('close', resolve));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      child.once('exit', (code) => reject(new Error(`child exited early (${code}): ${stderr}`)));
    });
    expect(server.stored.size).toBe(0);
    child.kill('SIGTERM');
    await Promise.race([
      progressPrinted,
      closed.then(() => {
        throw new Error(`the child exited without printing progress: ${stderr}`);
      }),
    ]);
    releaseAnswers();
    const code = await closed;
    expect(code).toBe(0);
    expect(server.stored.size).toBe(1200);
    expect(stderr).toMatch(progress);
  });
});
