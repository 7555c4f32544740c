import * as fs from 'node:fs';

/**
 * The file-system calls the journal makes, as a seam: tests wrap them to inject faults (a disk
 * that fills up mid-write, short writes, a read-only file system) without a real device.
 */
export interface JournalFileSystem {
  openSync(path: string, flags: string): number;
  /** Writes at `position`; may write fewer bytes than asked (a short write). */
  writeSync(fd: number, buffer: Buffer, offset: number, length: number, position: number): number;
  readSync(fd: number, buffer: Buffer, offset: number, length: number, position: number): number;
  ftruncateSync(fd: number, length: number): void;
  fdatasyncSync(fd: number): void;
  fdatasync(fd: number, callback: (error: NodeJS.ErrnoException | null) => void): void;
  closeSync(fd: number): void;
  readFileSync(path: string): Buffer;
  readdirSync(path: string): string[];
  renameSync(from: string, to: string): void;
  rmSync(path: string, options: { force: boolean }): void;
  mkdirSync(path: string, options: { recursive: boolean }): void;
  statfsSync(path: string): { bavail: number; bsize: number };
  appendFileSync(path: string, data: string): void;
  /**
   * Creates `path` (which must not exist) holding `length` zero bytes, fdatasynced, off the main
   * thread; resolves with a descriptor open for reading and writing. On failure nothing is left.
   * Without it, segments are created empty when needed (nothing is written ahead).
   */
  preallocate?(path: string, length: number): Promise<number>;
}

// Zeros written 1 MiB at a time; allocated on first use.
let zeros: Buffer | undefined;

const callback =
  <T>(resolve: (value: T) => void, reject: (error: unknown) => void) =>
  (error: NodeJS.ErrnoException | null, value: T) =>
    error ? reject(error) : resolve(value);

async function preallocateFile(path: string, length: number): Promise<number> {
  zeros ??= Buffer.alloc(2 ** 20);
  const chunk = zeros;
  const fd = await new Promise<number>((resolve, reject) =>
    fs.open(path, 'wx+', callback(resolve, reject)),
  );
  try {
    for (let position = 0; position < length; ) {
      const count = Math.min(chunk.length, length - position);
      position += await new Promise<number>((resolve, reject) =>
        fs.write(fd, chunk, 0, count, position, callback(resolve, reject)),
      );
    }
    await new Promise<void>((resolve, reject) =>
      fs.fdatasync(fd, (error) => (error ? reject(error) : resolve())),
    );
    return fd;
  } catch (error) {
    // The space goes back before the failure is reported (a full disk is the likely cause).
    await new Promise((resolve) => fs.close(fd, resolve));
    await new Promise((resolve) => fs.rm(path, { force: true }, resolve));
    throw error;
  }
}

/**
 * {@link JournalFileSystem} over `node:fs`.
 */
export const nodeJournalFileSystem: JournalFileSystem = {
  openSync: (path, flags) => fs.openSync(path, flags),
  writeSync: (fd, buffer, offset, length, position) =>
    fs.writeSync(fd, buffer, offset, length, position),
  readSync: (fd, buffer, offset, length, position) =>
    fs.readSync(fd, buffer, offset, length, position),
  ftruncateSync: (fd, length) => fs.ftruncateSync(fd, length),
  fdatasyncSync: (fd) => fs.fdatasyncSync(fd),
  fdatasync: (fd, callback) => fs.fdatasync(fd, callback),
  closeSync: (fd) => fs.closeSync(fd),
  readFileSync: (path) => fs.readFileSync(path),
  readdirSync: (path) => fs.readdirSync(path),
  renameSync: (from, to) => fs.renameSync(from, to),
  rmSync: (path, options) => fs.rmSync(path, options),
  mkdirSync: (path, options) => void fs.mkdirSync(path, options),
  statfsSync: (path) => {
    const stats = fs.statfsSync(path);
    return { bavail: Number(stats.bavail), bsize: Number(stats.bsize) };
  },
  appendFileSync: (path, data) => fs.appendFileSync(path, data),
  preallocate: preallocateFile,
};
