import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OutboxLockedError } from './errors.js';

/**
 * A held directory lock; `release()` removes the lock file.
 * @see https://man7.org/linux/man-pages/man2/open.2.html
 */
export interface DirectoryLock {
  readonly path: string;
  release(): void;
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `directory/outbox.lock` with an exclusive create holding this process's pid. A lock left
 * by a dead process on this host (e.g. after `kill -9`) is taken over and reported through
 * `onStaleLock`; a live owner (another process, or another outbox in this one) makes it throw
 * {@link OutboxLockedError}.
 * @see https://man7.org/linux/man-pages/man2/open.2.html
 */
export function acquireDirectoryLock({
  directory,
  onStaleLock,
}: {
  directory: string;
  onStaleLock?: (input: { path: string; ownerPid: number }) => void;
}): DirectoryLock {
  const lockPath = path.join(directory, 'outbox.lock');
  const content = JSON.stringify({ pid: process.pid, hostname: os.hostname(), since: new Date() });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(lockPath, content, { flag: 'wx' });
      return {
        path: lockPath,
        release() {
          fs.rmSync(lockPath, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let owner: { pid?: unknown; hostname?: unknown } = {};
    try {
      owner = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
    } catch {
      // Unreadable or half-written lock: treat it as stale only if it stays that way.
      if (attempt === 0) continue;
    }
    const ownerPid = typeof owner.pid === 'number' ? owner.pid : -1;
    const sameHost = owner.hostname === undefined || owner.hostname === os.hostname();
    if (ownerPid > 0 && (!sameHost || isProcessAlive(ownerPid))) {
      throw new OutboxLockedError(lockPath, ownerPid);
    }
    onStaleLock?.({ path: lockPath, ownerPid });
    fs.rmSync(lockPath, { force: true });
  }
  throw new OutboxLockedError(lockPath, -1);
}
