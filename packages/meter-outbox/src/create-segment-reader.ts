import * as path from 'node:path';
import type { JournalFileSystem } from './journal-file-system.js';
import type { RecordLocation } from './segment-journal.js';
import { segmentName } from './segment-name.js';

/**
 * Reads records back from the journal's segments (delivery of a backlog, compaction), through
 * the active segment's descriptor or one cached descriptor for older segments.
 */
export interface SegmentReader {
  /** The bytes at `location`; throws when the segment ends before them. */
  read(location: RecordLocation): Buffer;
  /** Closes the cached descriptor (only if it is `segment`'s, when given). */
  close(segment?: number): void;
}

/**
 * Creates the reader of the segments in `directory`; `active()` gives the segment being written
 * and its descriptor, if any.
 */
export function createSegmentReader({
  fsys,
  directory,
  active,
}: {
  fsys: JournalFileSystem;
  directory: string;
  active: () => { segment: number | undefined; fd: number | undefined };
}): SegmentReader {
  let cached: { segment: number; fd: number } | undefined;
  const close = (segment?: number) => {
    if (cached === undefined) return;
    if (segment !== undefined && cached.segment !== segment) return;
    try {
      fsys.closeSync(cached.fd);
    } catch {}
    cached = undefined;
  };
  return {
    read({ segment, offset, length }) {
      const current = active();
      let fd: number;
      if (segment === current.segment && current.fd !== undefined) fd = current.fd;
      else if (cached?.segment === segment) fd = cached.fd;
      else {
        close();
        fd = fsys.openSync(path.join(directory, segmentName(segment)), 'r');
        cached = { segment, fd };
      }
      const bytes = Buffer.allocUnsafe(length);
      let read = 0;
      while (read < length) {
        const count = fsys.readSync(fd, bytes, read, length - read, offset + read);
        if (count <= 0)
          throw new Error(`${segmentName(segment)} ends before byte ${offset + length}`);
        read += count;
      }
      return bytes;
    },
    close,
  };
}
