import * as fs from 'node:fs';

/**
 * The file-system calls the journal makes, as a seam: tests wrap them to inject faults (a disk
 * that fills up mid-write, short writes, a read-only file system) without a real device.
 * @see https://man7.org/linux/man-pages/man2/write.2.html
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
}

/**
 * {@link JournalFileSystem} over `node:fs`.
 * @see https://nodejs.org/api/fs.html
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
};
