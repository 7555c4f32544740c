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

// Lock files this process holds, to tell its own lock from one left by an earlier process that
// had the same pid (in a container the app is often PID 1 on every start).
const heldLocks = new Set<string>();

/** How often a holder touches its lock file, and when an untouched lock counts as abandoned. */
export const lockHeartbeatMs = 2_000;
export const lockStaleAfterMs = 15_000;

/**
 * Takes `directory/outbox.lock` with an exclusive create holding this process's pid and host,
 * and touches it every {@link lockHeartbeatMs} while held. A lock is taken over (and reported
 * through `onStaleLock`) when its owner is gone: a dead pid on this host, this very pid from an
 * earlier process (containers restart as PID 1), or no heartbeat for {@link lockStaleAfterMs}
 * (an owner on another host, such as the previous container of a restarted pod, or a reused
 * pid). A live owner (another process, or another outbox in this one) makes it throw
 * {@link OutboxLockedError}.
 * @see https://man7.org/linux/man-pages/man2/open.2.html
 */
export function acquireDirectoryLock({
  directory,
  onStaleLock,
  now = Date.now,
  heartbeatMs = lockHeartbeatMs,
}: {
  directory: string;
  onStaleLock?: (input: { path: string; ownerPid: number; reason: string }) => void;
  now?: () => number;
  heartbeatMs?: number;
}): DirectoryLock {
  const lockPath = path.join(directory, 'outbox.lock');
  const content = JSON.stringify({
    pid: process.pid,
    hostname: os.hostname(),
    since: new Date(now()),
  });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(lockPath, content, { flag: 'wx' });
      heldLocks.add(lockPath);
      const heartbeat = setInterval(() => {
        try {
          const moment = new Date(now());
          fs.utimesSync(lockPath, moment, moment);
        } catch {
          // The next acquisition decides; a missed touch only shortens the margin.
        }
      }, heartbeatMs);
      heartbeat.unref();
      return {
        path: lockPath,
        release() {
          clearInterval(heartbeat);
          heldLocks.delete(lockPath);
          fs.rmSync(lockPath, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let owner: { pid?: unknown; hostname?: unknown } = {};
    let touchedAt = now();
    try {
      touchedAt = fs.statSync(lockPath).mtimeMs;
      owner = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
    } catch {
      // Unreadable or half-written lock: treat it as stale only if it stays that way.
      if (attempt === 0) continue;
    }
    const ownerPid = typeof owner.pid === 'number' ? owner.pid : -1;
    const sameHost = owner.hostname === undefined || owner.hostname === os.hostname();
    const staleReason =
      ownerPid <= 0
        ? 'its owner is unknown'
        : now() - touchedAt > lockStaleAfterMs
          ? `it was last touched ${Math.round((now() - touchedAt) / 1000)} s ago`
          : sameHost && ownerPid === process.pid && !heldLocks.has(lockPath)
            ? 'it names this process id, left by an earlier process'
            : sameHost && !isProcessAlive(ownerPid)
              ? `process ${ownerPid} is no longer running`
              : undefined;
    if (staleReason === undefined) {
      throw new OutboxLockedError(lockPath, ownerPid, {
        otherHost: sameHost ? undefined : String(owner.hostname),
        staleAfterMs: lockStaleAfterMs,
      });
    }
    onStaleLock?.({ path: lockPath, ownerPid, reason: staleReason });
    fs.rmSync(lockPath, { force: true });
  }
  throw new OutboxLockedError(lockPath, -1, { staleAfterMs: lockStaleAfterMs });
}
