import type { JournalFileSystem } from './journal-file-system.js';
import type { JournalDurability } from './segment-journal.js';

/**
 * When the journal's writes reach the disk: in `group` mode an `fdatasync` of the active segment
 * at most `fsyncIntervalMs` after a write, or when asked (`sync`), with the background work of
 * segment rotation (syncing and closing the old segment, syncing the directory) that every sync
 * waits for too.
 */
export interface GroupCommit {
  /** A record was written to the active segment: in `group` mode, sync it within the interval. */
  written(): void;
  /**
   * Retires the active segment's `fd` in the background: after the sync in flight, if any (an fd
   * closed under it could be reused by the next file, and the sync would report data it never
   * wrote), a last sync when needed (in `group` mode when unsynced writes remain or it is the
   * `final` one, in `fsync-each` mode only the `final` one), then `finish` (cut back, close).
   */
  retire(input: { fd: number; final: boolean; finish: () => void }): void;
  /** Background work (a retired segment, a directory sync) the next sync waits for. */
  addBackground(work: Promise<void>): void;
  /** fdatasync of pending writes, after the background work started so far. */
  sync(): Promise<void>;
  /** Stops the timer and waits until no sync and no background work is in flight. */
  quiesce(): Promise<void>;
  /** Resolves once the background work started so far is done. */
  background(): Promise<void>;
}

/**
 * Creates the group commit of a journal whose active segment's descriptor `activeFd()` gives
 * (undefined: none is open).
 */
export function createGroupCommit({
  fsys,
  durability,
  fsyncIntervalMs,
  activeFd,
}: {
  fsys: JournalFileSystem;
  durability: JournalDurability;
  fsyncIntervalMs: number;
  activeFd: () => number | undefined;
}): GroupCommit {
  let dirty = false;
  let syncTimer: NodeJS.Timeout | undefined;
  let syncInFlight: Promise<void> | undefined;
  // Rotation must not stall enqueue: in group mode the old segment is fsynced and closed in the
  // background, and `sync()` waits for that too.
  let retiring: Promise<void> = Promise.resolve();

  const fdatasync = (fd: number) =>
    new Promise<void>((resolve, reject) =>
      fsys.fdatasync(fd, (error) => (error ? reject(error) : resolve())),
    );

  const commit: GroupCommit = {
    written() {
      if (durability !== 'group') return;
      dirty = true;
      if (syncTimer !== undefined) return;
      syncTimer = setTimeout(() => {
        syncTimer = undefined;
        commit.sync().catch(() => {});
      }, fsyncIntervalMs);
      syncTimer.unref();
    },
    retire({ fd, final, finish }) {
      const needsSync = durability === 'group' ? dirty || final : final && durability !== 'os';
      if (needsSync) dirty = false;
      const inFlight = syncInFlight ?? Promise.resolve();
      commit.addBackground(
        inFlight
          .catch(() => {})
          .then(() => (needsSync ? fdatasync(fd).catch(() => {}) : undefined))
          .finally(finish),
      );
    },
    addBackground(work) {
      retiring = Promise.all([retiring, work]).then(() => {});
    },
    async sync() {
      await retiring;
      if (syncInFlight) return syncInFlight.then(() => commit.sync());
      const fd = activeFd();
      if (!dirty || fd === undefined) return Promise.resolve();
      dirty = false;
      // A rotation meanwhile waits for this before closing the fd, so an error here is real.
      syncInFlight = fdatasync(fd).finally(() => {
        syncInFlight = undefined;
      });
      return syncInFlight;
    },
    async quiesce() {
      if (syncTimer) clearTimeout(syncTimer);
      // Until nothing is in flight: a sync or a rotation may start while this waits.
      for (;;) {
        const inFlight = syncInFlight;
        const retired = retiring;
        await inFlight?.catch(() => {});
        await retired;
        if (syncInFlight === undefined && retiring === retired) break;
      }
    },
    background() {
      return retiring;
    },
  };
  return commit;
}
