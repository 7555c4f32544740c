import { appendFileSync, closeSync, fstatSync, mkdirSync, openSync, readSync } from 'node:fs';
import { dirname } from 'node:path';
import { type ObjectOwners, ownerKey } from './object-owners.js';

interface OwnerLine {
  collection: string;
  id: string;
  subject: string;
}

/**
 * Owners in an append-only JSON-lines file, read into memory at start. Proxy processes on one
 * machine can share the file: a lookup that misses reads what the others appended since. A line
 * is appended (no fsync: it outlives a crash of the process, not of the machine) before the
 * caller sees the object's id; a lost line makes the object unreachable through the proxy, never
 * reachable by someone else.
 */
export function createFileObjectOwners({
  file,
  onError,
}: {
  file: string;
  /** A line that could not be written (the object then answers 404 through the proxy). */
  onError?: ((error: unknown) => void) | undefined;
}): ObjectOwners {
  mkdirSync(dirname(file), { recursive: true });
  // 'a+': appends go to the end whatever other processes wrote; reads start where we left off.
  const descriptor = openSync(file, 'a+');
  const owners = new Map<string, string>();
  let readUpTo = 0;
  let partial = '';

  /** Reads the lines appended since the last read (by this process or another). */
  const catchUp = () => {
    const size = fstatSync(descriptor).size;
    if (size <= readUpTo) return;
    const bytes = Buffer.alloc(size - readUpTo);
    let read = 0;
    while (read < bytes.length) {
      const count = readSync(descriptor, bytes, read, bytes.length - read, readUpTo + read);
      if (count === 0) break;
      read += count;
    }
    readUpTo += read;
    const lines = (partial + bytes.subarray(0, read).toString('utf8')).split('\n');
    // The last piece has no newline yet: a line still being written, or torn by a crash.
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      try {
        const owner = JSON.parse(line) as OwnerLine;
        if (typeof owner.id === 'string' && typeof owner.subject === 'string')
          owners.set(ownerKey(owner), owner.subject);
      } catch {
        // A torn line from a crash, followed by later lines: that one object stays unowned.
      }
    }
  };
  catchUp();
  if (partial !== '') {
    // A torn last line: end it, so the next line starts on a line of its own.
    appendFileSync(descriptor, '\n');
    partial = '';
    readUpTo = fstatSync(descriptor).size;
  }

  return {
    record({ collection, id, subject }) {
      const key = ownerKey({ collection, id });
      if (owners.get(key) === subject) return;
      try {
        appendFileSync(
          descriptor,
          `${JSON.stringify({ collection, id, subject } satisfies OwnerLine)}\n`,
        );
        owners.set(key, subject);
      } catch (error) {
        onError?.(error);
      }
    },
    async ownerOf(input) {
      const key = ownerKey(input);
      if (!owners.has(key)) catchUp();
      return owners.get(key);
    },
    async close() {
      closeSync(descriptor);
    },
  };
}
