import type { JournalFileSystem } from './journal-file-system.js';

/** fsync of a directory, so renames in it survive power loss; not supported everywhere. */
export function syncDirectory({
  fsys,
  directory,
}: {
  fsys: JournalFileSystem;
  directory: string;
}): void {
  try {
    const fd = fsys.openSync(directory, 'r');
    try {
      fsys.fdatasyncSync(fd);
    } finally {
      fsys.closeSync(fd);
    }
  } catch {}
}

/** {@link syncDirectory} with the fsync itself off the calling thread; never rejects. */
export function syncDirectoryInBackground({
  fsys,
  directory,
}: {
  fsys: JournalFileSystem;
  directory: string;
}): Promise<void> {
  let fd: number;
  try {
    fd = fsys.openSync(directory, 'r');
  } catch {
    return Promise.resolve();
  }
  return new Promise<void>((resolve) =>
    fsys.fdatasync(fd, () => {
      try {
        fsys.closeSync(fd);
      } catch {}
      resolve();
    }),
  );
}
