import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDirectoryLock, lockStaleAfterMs } from './acquire-directory-lock.js';
import { OutboxLockedError } from './errors.js';
import { waitUntil } from './testing/wait-until.js';

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

// The lock's clock is injected: ages are exact, whatever the time between two lines of a test.
const touchedAt = Date.parse('2026-01-01T00:00:00.000Z');

function writeLock({
  directory,
  pid,
  hostname,
}: {
  directory: string;
  pid: number;
  hostname: string;
}) {
  const lockPath = path.join(directory, 'outbox.lock');
  fs.writeFileSync(lockPath, JSON.stringify({ pid, hostname, since: new Date(touchedAt) }));
  fs.utimesSync(lockPath, new Date(touchedAt), new Date(touchedAt));
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
    expect(() => acquireDirectoryLock({ directory, now: () => new Date(touchedAt) })).toThrow(
      /locked by process 1 on host previous-pod .* taken over after 15 s/,
    );
    expect(() =>
      acquireDirectoryLock({ directory, now: () => new Date(touchedAt + lockStaleAfterMs) }),
    ).toThrow(OutboxLockedError);
    const reasons: string[] = [];
    acquireDirectoryLock({
      directory,
      now: () => new Date(touchedAt + lockStaleAfterMs + 1_000),
      onStaleLock: ({ reason }) => reasons.push(reason),
    }).release();
    expect(reasons).toEqual(['it was last touched 16 s ago']);
  });

  it('keeps a held lock fresh with its heartbeat', async () => {
    const directory = createDirectory();
    // The heartbeat stamps the lock with the injected clock: wait until it has, however late.
    const heartbeatAt = touchedAt + 60_000;
    const lock = acquireDirectoryLock({
      directory,
      heartbeatMs: 20,
      now: () => new Date(heartbeatAt),
    });
    fs.lutimesSync(lock.path, new Date(touchedAt), new Date(touchedAt));
    await waitUntil({ condition: () => fs.lstatSync(lock.path).mtimeMs === heartbeatAt });
    lock.release();
    expect(fs.existsSync(lock.path)).toBe(false);
  });
});
