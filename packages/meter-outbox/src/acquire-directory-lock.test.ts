import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDirectoryLock, lockStaleAfterMs } from './acquire-directory-lock.js';
import { OutboxLockedError } from './errors.js';

const directories: string[] = [];
function createDirectory(): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'outbox-lock-'));
  directories.push(directory);
  return directory;
}
afterEach(() => {
  for (const directory of directories.splice(0))
    fs.rmSync(directory, { recursive: true, force: true });
});

function writeLock({
  directory,
  pid,
  hostname,
  ageMs = 0,
}: {
  directory: string;
  pid: number;
  hostname: string;
  ageMs?: number;
}) {
  const lockPath = path.join(directory, 'outbox.lock');
  fs.writeFileSync(lockPath, JSON.stringify({ pid, hostname, since: new Date() }));
  const touched = new Date(Date.now() - ageMs);
  fs.utimesSync(lockPath, touched, touched);
  return lockPath;
}

describe('acquireDirectoryLock', () => {
  it('refuses a second holder in the same process', () => {
    const directory = createDirectory();
    const lock = acquireDirectoryLock({ directory });
    expect(() => acquireDirectoryLock({ directory })).toThrow(OutboxLockedError);
    lock.release();
    acquireDirectoryLock({ directory }).release();
  });

  it("takes over a lock with this process's pid that this process does not hold (a restarted container's PID 1)", () => {
    const directory = createDirectory();
    writeLock({ directory, pid: process.pid, hostname: os.hostname() });
    const reasons: string[] = [];
    const lock = acquireDirectoryLock({
      directory,
      onStaleLock: ({ reason }) => reasons.push(reason),
    });
    expect(reasons).toEqual(['it names this process id, left by an earlier process']);
    lock.release();
  });

  it('refuses a fresh lock from another host, naming it, and takes it over once untouched for long', () => {
    const directory = createDirectory();
    writeLock({ directory, pid: 1, hostname: 'previous-pod' });
    expect(() => acquireDirectoryLock({ directory })).toThrow(
      /locked by process 1 on host previous-pod .* taken over after 15 s/,
    );
    writeLock({ directory, pid: 1, hostname: 'previous-pod', ageMs: lockStaleAfterMs + 1_000 });
    const reasons: string[] = [];
    acquireDirectoryLock({
      directory,
      onStaleLock: ({ reason }) => reasons.push(reason),
    }).release();
    expect(reasons).toEqual(['it was last touched 16 s ago']);
  });

  it('keeps a held lock fresh with its heartbeat', async () => {
    const directory = createDirectory();
    const lock = acquireDirectoryLock({ directory, heartbeatMs: 20 });
    const old = new Date(Date.now() - 60_000);
    fs.lutimesSync(lock.path, old, old);
    for (let attempt = 0; attempt < 500; attempt++) {
      if (Date.now() - fs.lstatSync(lock.path).mtimeMs < 30_000) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(Date.now() - fs.lstatSync(lock.path).mtimeMs).toBeLessThan(30_000);
    lock.release();
    expect(fs.existsSync(lock.path)).toBe(false);
  });
});
