import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDirectoryLock } from './acquire-directory-lock.js';
import { createUsageOutbox } from './create-usage-outbox.js';
import { OutboxLockedError, OutboxLockLostError, OutboxWriteError } from './errors.js';
import type { OutboxEvent } from './outbox-event.js';
import { readProcessState } from './read-process-state.js';
import { runChild } from './testing/run-child.js';
import { startIngestTarget } from './testing/start-ingest-target.js';
import { createTestEvent } from './testing/start-test-openmeter.js';
import { waitUntil } from './testing/wait-until.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
function temporaryDirectory(parent = os.tmpdir()) {
  const directory = fs.mkdtempSync(path.join(parent, 'outbox-process-'));
  cleanups.push(() => fs.rmSync(directory, { recursive: true, force: true }));
  return directory;
}
const never = { events: { ingest: () => new Promise<void>(() => {}) } };
function recordingClient() {
  const received: OutboxEvent[] = [];
  return {
    received,
    client: {
      events: { ingest: async (events: OutboxEvent[]) => void received.push(...events) },
    },
  };
}

function tryMount(args: string[]): string | undefined {
  try {
    execFileSync('mount', args, { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return String((error as { stderr?: Buffer }).stderr ?? error).trim();
  }
}

describe('a live owner keeps its lock', () => {
  it('a paused (SIGSTOP) owner keeps its lock against a second process however old the lock; after SIGCONT nothing it acknowledged is lost', async () => {
    const dir = temporaryDirectory();
    const owner = runChild('src/testing/hold-outbox.ts', [dir, 'paused']);
    cleanups.push(() => owner.child.kill('SIGKILL'));
    await owner.waitForLine(/^ready/);
    await owner.waitForLine(/^acked paused-20$/);
    owner.child.kill('SIGSTOP');
    await waitUntil({
      condition: () => readProcessState(owner.child.pid as number)?.state === 'T',
    });
    // Age the lock far past the cross-host limit: on the same host, age does not matter.
    const lockPath = path.join(dir, 'outbox.lock');
    const longAgo = new Date(Date.now() - 3_600_000);
    fs.lutimesSync(lockPath, longAgo, longAgo);
    const second = runChild('src/testing/hold-outbox.ts', [dir, 'second']);
    const { code } = await second.exited;
    expect(code).not.toBe(0);
    expect(second.stderr()).toMatch(/OutboxLockedError|locked by process/);
    await expect(createUsageOutbox({ client: never, dir, logger: false })).rejects.toThrow(
      OutboxLockedError,
    );
    owner.child.kill('SIGCONT');
    const before = owner.lines.length;
    await waitUntil({ condition: () => owner.lines.length > before + 20 });
    owner.child.kill('SIGTERM');
    await owner.exited;
    const acked = owner.lines
      .filter((line) => line.startsWith('acked '))
      .map((line) => line.slice(6));
    expect(owner.lines.some((line) => line.startsWith('refused'))).toBe(false);
    const { received, client } = recordingClient();
    const reopened = await createUsageOutbox({ client, dir, logger: false, flushIntervalMs: 5 });
    expect((await reopened.flush()).drained).toBe(true);
    await reopened.close();
    const ids = new Set(received.map((event) => event.id));
    expect(acked.filter((id) => !ids.has(id))).toEqual([]);
  });

  it('a restart right after kill -9 is not refused while the killed owner is an unreaped zombie', async () => {
    const dir = temporaryDirectory();
    // The holder's parent becomes `sleep`, which never reaps it: killed, it stays a zombie.
    const script = `${process.execPath} --conditions=@llm-meter/source --import tsx src/testing/hold-outbox.ts ${dir} zombie & exec sleep 60`;
    const shell = spawn('sh', ['-c', script], {
      cwd: path.join(import.meta.dirname, '..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    cleanups.push(() => shell.kill('SIGKILL'));
    const pid = await new Promise<number>((resolve) => {
      let output = '';
      shell.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /ready (\d+)/.exec(output);
        if (match) resolve(Number(match[1]));
      });
    });
    process.kill(pid, 'SIGKILL');
    await waitUntil({ condition: () => readProcessState(pid)?.state === 'Z' });
    const outbox = await createUsageOutbox({ client: never, dir, logger: false });
    expect(outbox.startupWarnings.map((notice) => notice.message).join('\n')).toMatch(
      /killed and not yet reaped \(zombie\)/,
    );
    await outbox.close({ deadlineMs: 0 });
  });

  it('notices a deleted lock file: re-creates it while nobody else has it, and never removes a lock it does not own', async () => {
    const dir = temporaryDirectory();
    const first = await createUsageOutbox({ client: never, dir, logger: false });
    const warnings: string[] = [];
    first.on('warning', (notice) => warnings.push(notice.message));
    const lockPath = path.join(dir, 'outbox.lock');
    const mine = fs.readlinkSync(lockPath);
    fs.rmSync(lockPath);
    first.enqueue(createTestEvent({ index: 1 }));
    expect(warnings.join('\n')).toMatch(/was deleted while this process held it; re-created it/);
    expect(fs.readlinkSync(lockPath)).toBe(mine);

    // Deleted again, and this time another owner takes the directory before the next write.
    fs.rmSync(lockPath);
    const other = acquireDirectoryLock({ directory: dir });
    expect(() => first.enqueue(createTestEvent({ index: 2 }))).toThrow(OutboxLockLostError);
    await first.close({ deadlineMs: 0 });
    // close() left the other owner's lock alone.
    expect(fs.readlinkSync(lockPath)).toContain(other.token);
    other.release();
    expect(fs.existsSync(lockPath)).toBe(false);
  });
});

describe('real file systems (tmpfs; skipped where mount is not allowed)', () => {
  it('a real full disk: refuses with disk-full, tears nothing, restarts on the full disk and delivers', async (context) => {
    const mountPoint = temporaryDirectory();
    const failure = tryMount(['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint]);
    if (failure) {
      context.skip(`cannot mount a tmpfs here (${failure}); the ENOSPC seam test covers the logic`);
      return;
    }
    cleanups.push(() => execFileSync('umount', [mountPoint]));
    const dir = path.join(mountPoint, 'outbox');
    const outbox = await createUsageOutbox({
      client: never,
      dir,
      logger: false,
      durability: 'fsync-each',
      segmentBytes: 64 * 1024,
      reserveBytes: 0,
    });
    // Fill the disk with something else, leaving a little room.
    const filler = path.join(mountPoint, 'filler');
    try {
      fs.writeFileSync(filler, Buffer.alloc(2 * 1024 * 1024 - 256 * 1024));
    } catch {}
    const acknowledged: string[] = [];
    let refused: unknown;
    for (let index = 0; index < 5000 && refused === undefined; index++) {
      try {
        outbox.enqueue(createTestEvent({ index }));
        acknowledged.push(`event-${index}`);
      } catch (error) {
        refused = error;
      }
    }
    expect(refused).toBeInstanceOf(OutboxWriteError);
    expect((refused as OutboxWriteError).code).toBe('disk-full');
    await outbox.close({ deadlineMs: 0 });
    // Restart on the still-full disk: it opens, refuses new events, and delivers.
    const { received, client } = recordingClient();
    const reopened = await createUsageOutbox({ client, dir, logger: false, flushIntervalMs: 5 });
    expect(reopened.stats().lostRecords).toBe(0);
    expect(() => reopened.enqueue(createTestEvent({ index: 99_999 }))).toThrow(OutboxWriteError);
    expect((await reopened.flush()).drained).toBe(true);
    await reopened.close();
    expect(received.map((event) => event.id).sort()).toEqual([...acknowledged].sort());
  });

  it('a read-only directory: the error names the directory and what is missing', async (context) => {
    const mountPoint = temporaryDirectory();
    const failure = tryMount(['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint]);
    if (failure) {
      context.skip(`cannot mount a tmpfs here (${failure})`);
      return;
    }
    cleanups.push(() => execFileSync('umount', [mountPoint]));
    const dir = path.join(mountPoint, 'outbox');
    fs.mkdirSync(dir);
    const remount = tryMount(['-o', 'remount,ro', mountPoint]);
    if (remount) {
      context.skip(`cannot remount read-only here (${remount})`);
      return;
    }
    const error = await createUsageOutbox({ client: never, dir, logger: false }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(OutboxWriteError);
    expect(error).toMatchObject({ code: 'read-only', directory: dir });
    expect((error as Error).message).toMatch(
      new RegExp(`${dir} is on a read-only file system: remount it read-write`),
    );
  });
});

describe('nothing pending at a normal exit', () => {
  it('a script that enqueues and returns without close() still delivers everything', async () => {
    const openmeter = await startIngestTarget();
    cleanups.push(() => openmeter.close());
    const dir = temporaryDirectory();
    const child = runChild('src/testing/enqueue-and-return.ts', [openmeter.url, '250', dir]);
    const { code } = await child.exited;
    expect(code).toBe(0);
    expect(await openmeter.countEvents()).toBe(250);
    expect(fs.existsSync(path.join(dir, 'outbox.lock'))).toBe(false);
    const reopened = await createUsageOutbox({ client: never, dir, logger: false });
    expect(reopened.stats().recovered).toBe(0);
    await reopened.close();
  });
});
