import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { convertWriteError } from './convert-write-error.js';
import { OutboxLockedError, OutboxLockLostError } from './errors.js';
import { readProcessState } from './read-process-state.js';

/**
 * A held directory lock. `assertHeld()` is the fencing check: it throws
 * {@link OutboxLockLostError} once the lock belongs to someone else (and re-creates a lock file
 * deleted under a live owner); `release()` removes the lock only if it is still this one.
 */
export interface DirectoryLock {
  readonly path: string;
  /** Random per acquisition; written into the lock, compared by `assertHeld`. */
  readonly token: string;
  assertHeld(): void;
  release(): void;
}

// Lock files this process holds, to tell its own lock from one left by an earlier process that
// had the same pid (in a container the app is often PID 1 on every start).
const heldLocks = new Set<string>();

/** How often a holder touches its lock, and when an untouched lock of another host is abandoned. */
export const lockHeartbeatMs = 2_000;
export const lockStaleAfterMs = 15_000;

interface LockOwner {
  pid: number;
  startTime: string | undefined;
  namespace: string | undefined;
  host: string | undefined;
  token: string | undefined;
}

const hostTag = () => os.hostname().slice(0, 20).replaceAll(':', '_');
function pidNamespace(): string | undefined {
  try {
    return /\[(\d+)\]/.exec(fs.readlinkSync('/proc/self/ns/pid'))?.[1];
  } catch {
    return undefined;
  }
}

// `pid:starttime:pid-namespace:token:host`, short enough (< 60 bytes) to live in the inode of a
// symlink: creating the lock needs no free data block, so a full disk can still be opened.
const formatOwner = (owner: LockOwner) =>
  [
    owner.pid,
    owner.startTime ?? '',
    owner.namespace ?? '',
    owner.token ?? '',
    owner.host ?? '',
  ].join(':');

function parseOwner(text: string): LockOwner | undefined {
  const parts = text.split(':');
  if (parts.length !== 5) return undefined;
  const [pid, startTime, namespace, token, host] = parts as [
    string,
    string,
    string,
    string,
    string,
  ];
  if (!/^\d+$/.test(pid)) return undefined;
  return {
    pid: Number(pid),
    startTime: startTime || undefined,
    namespace: namespace || undefined,
    token: token || undefined,
    host: host || undefined,
  };
}

function readOwner(lockPath: string): { owner: LockOwner | undefined; raw: string } | undefined {
  try {
    const raw = fs.readlinkSync(lockPath);
    return { owner: parseOwner(raw), raw };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code !== 'EINVAL') throw error;
  }
  // A regular file: the JSON lock of earlier versions ({ pid, hostname }).
  try {
    const raw = fs.readFileSync(lockPath, 'utf8');
    const legacy = JSON.parse(raw) as { pid?: unknown; hostname?: unknown };
    return {
      raw,
      owner: {
        pid: typeof legacy.pid === 'number' ? legacy.pid : -1,
        startTime: undefined,
        namespace: undefined,
        token: undefined,
        host: typeof legacy.hostname === 'string' ? legacy.hostname.slice(0, 20) : undefined,
      },
    };
  } catch {
    return { raw: '', owner: undefined };
  }
}

/**
 * Takes `directory/outbox.lock`, a symlink whose target names this process (pid, start time, pid
 * namespace, a random token, host), touched every {@link lockHeartbeatMs}. An existing lock is
 * taken over (and reported through `onStaleLock`) only when its owner is gone:
 * - same host and pid namespace: the pid no longer runs, is a zombie (killed, not yet reaped:
 *   state `Z` in `/proc/<pid>/stat`), runs a different process (another start time), or is this
 *   very pid left by an earlier process (containers restart as PID 1). A live owner keeps its
 *   lock however long it has been paused (SIGSTOP, a debugger, a frozen container);
 * - another host or pid namespace (pids cannot be checked): untouched for
 *   {@link lockStaleAfterMs}.
 * Otherwise it throws {@link OutboxLockedError}. `onLockRecreated` hears of a lock file deleted
 * under this owner and re-created by it.
 */
export function acquireDirectoryLock({
  directory,
  onStaleLock,
  onLockRecreated,
  now = () => new Date(),
  heartbeatMs = lockHeartbeatMs,
  staleAfterMs = lockStaleAfterMs,
}: {
  directory: string;
  onStaleLock?: (input: { path: string; ownerPid: number; reason: string }) => void;
  onLockRecreated?: (input: { path: string }) => void;
  /** The clock the heartbeat stamps and staleness is judged by. Default `() => new Date()`. */
  now?: () => Date;
  heartbeatMs?: number;
  staleAfterMs?: number;
}): DirectoryLock {
  const lockPath = path.join(directory, 'outbox.lock');
  const me: LockOwner = {
    pid: process.pid,
    startTime: readProcessState(process.pid)?.startTime,
    namespace: pidNamespace(),
    token: randomBytes(4).toString('hex'),
    host: hostTag(),
  };
  const content = formatOwner(me);
  const create = (target: string) => {
    try {
      fs.symlinkSync(content, target);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw convertWriteError({
        error,
        directory,
        action: `creating the lock ${target}`,
        consequence: 'The outbox was not opened.',
      });
    }
  };

  const hold = () =>
    holdLock({
      lockPath,
      content,
      token: me.token as string,
      create,
      now,
      heartbeatMs,
      onLockRecreated,
    });
  for (let attempt = 0; attempt < 5; attempt++) {
    if (create(lockPath)) return hold();
    const found = readOwner(lockPath);
    if (found === undefined) continue; // Released meanwhile: try again.
    const staleReason = judgeLock({ lockPath, owner: found.owner, now, staleAfterMs });
    const ownerPid = found.owner?.pid ?? -1;
    if (staleReason === undefined) {
      throw new OutboxLockedError(lockPath, ownerPid, {
        otherHost:
          found.owner?.host !== undefined && found.owner.host !== me.host
            ? found.owner.host
            : undefined,
        staleAfterMs,
      });
    }
    onStaleLock?.({ path: lockPath, ownerPid, reason: staleReason });
    // Replace the stale lock only if it is still the one judged stale: build ours aside and
    // rename it over (atomic), after re-reading.
    const aside = `${lockPath}.${me.token}`;
    fs.rmSync(aside, { force: true });
    if (!create(aside)) continue;
    if (readOwner(lockPath)?.raw === found.raw) fs.renameSync(aside, lockPath);
    else fs.rmSync(aside, { force: true });
    if (readOwner(lockPath)?.raw === content) {
      return hold();
    }
  }
  throw new OutboxLockedError(lockPath, -1, { staleAfterMs });
}

function judgeLock({
  lockPath,
  owner,
  now,
  staleAfterMs,
}: {
  lockPath: string;
  owner: LockOwner | undefined;
  now: () => Date;
  staleAfterMs: number;
}): string | undefined {
  if (owner === undefined || owner.pid <= 0) return 'its owner is unknown';
  const sameHost = owner.host === undefined || owner.host === hostTag();
  const namespace = pidNamespace();
  const samePidSpace =
    sameHost &&
    (owner.namespace === undefined || namespace === undefined || owner.namespace === namespace);
  if (!samePidSpace) {
    let touchedAt: number;
    try {
      touchedAt = fs.lstatSync(lockPath).mtimeMs;
    } catch {
      return undefined;
    }
    const age = now().getTime() - touchedAt;
    return age > staleAfterMs ? `it was last touched ${Math.round(age / 1000)} s ago` : undefined;
  }
  if (owner.pid === process.pid) {
    return heldLocks.has(lockPath)
      ? undefined
      : 'it names this process id, left by an earlier process';
  }
  const state = readProcessState(owner.pid);
  if (state === undefined) return `process ${owner.pid} is no longer running`;
  if (state.state === 'Z' || state.state === 'X') {
    return `process ${owner.pid} was killed and not yet reaped (zombie)`;
  }
  if (
    owner.startTime !== undefined &&
    state.startTime !== undefined &&
    owner.startTime !== state.startTime
  ) {
    return `process id ${owner.pid} now belongs to another process`;
  }
  return undefined;
}

function holdLock({
  lockPath,
  content,
  token,
  create,
  now,
  heartbeatMs,
  onLockRecreated,
}: {
  lockPath: string;
  content: string;
  token: string;
  create: (target: string) => boolean;
  now: () => Date;
  heartbeatMs: number;
  onLockRecreated: ((input: { path: string }) => void) | undefined;
}): DirectoryLock {
  heldLocks.add(lockPath);
  let lost: OutboxLockLostError | undefined;
  let released = false;
  const assertHeld = () => {
    if (lost) throw lost;
    if (released)
      throw new OutboxLockLostError(lockPath, `The outbox lock ${lockPath} was released.`);
    let current: string | undefined;
    try {
      current = fs.readlinkSync(lockPath);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'EINVAL') throw error;
    }
    if (current === content) return;
    if (current === undefined && create(lockPath)) {
      // Deleted under a live owner (by hand, a cleanup job): nobody else took it, so take it back.
      onLockRecreated?.({ path: lockPath });
      return;
    }
    lost = new OutboxLockLostError(
      lockPath,
      `Usage outbox lost its lock ${lockPath}: another process owns the directory now (${readOwner(lockPath)?.raw ?? 'unknown'}). New events are refused so none goes into files the new owner may delete; what this outbox journaled stays for the new owner to deliver. Close this outbox.`,
    );
    heldLocks.delete(lockPath);
    throw lost;
  };
  const heartbeat = setInterval(() => {
    try {
      assertHeld();
      const moment = now();
      fs.lutimesSync(lockPath, moment, moment);
    } catch {
      // Reported by the next write; a missed touch only shortens the margin.
    }
  }, heartbeatMs);
  heartbeat.unref();
  return {
    path: lockPath,
    token,
    assertHeld,
    release() {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      if (lost) return;
      heldLocks.delete(lockPath);
      // Never remove a lock that is not this one (taken over, or re-created by another owner).
      try {
        if (fs.readlinkSync(lockPath) === content) fs.rmSync(lockPath, { force: true });
      } catch {}
    },
  };
}
