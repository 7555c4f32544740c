import { OutboxWriteError, type OutboxWriteErrorCode } from './errors.js';

const codes: Record<string, OutboxWriteErrorCode> = {
  ENOSPC: 'disk-full',
  EDQUOT: 'disk-full',
  EROFS: 'read-only',
  EACCES: 'permission',
  EPERM: 'permission',
};

/**
 * Whether `error` is a system error (it has a string errno `code` such as `ENOSPC`), as opposed
 * to a bug (a `TypeError`, a stack overflow) that must not be reported as a disk problem.
 */
export function isSystemError(error: unknown): error is NodeJS.ErrnoException & { code: string } {
  return (
    error instanceof Error &&
    typeof (error as NodeJS.ErrnoException).code === 'string' &&
    /^E[A-Z0-9]+$/.test((error as NodeJS.ErrnoException).code as string)
  );
}

/**
 * Turns a system error met while `action` (e.g. "appending to segment-000000000001.log") into an
 * {@link OutboxWriteError} that names the directory and what to do; other errors (bugs) are
 * returned unchanged.
 */
export function convertWriteError({
  error,
  directory,
  action,
  consequence = 'Nothing of this event was recorded.',
}: {
  error: unknown;
  directory: string;
  action: string;
  /** What the failure means for the caller. */
  consequence?: string;
}): unknown {
  if (!isSystemError(error)) return error;
  const code = codes[error.code] ?? 'io';
  const advice: Record<OutboxWriteErrorCode, string> = {
    'disk-full': `the file system holding ${directory} is full: free space there (events already journaled are kept and still delivered)`,
    'read-only': `${directory} is on a read-only file system: remount it read-write or point \`dir\` at a writable directory`,
    permission: `this process (uid ${process.getuid?.() ?? '?'}) lacks write permission on ${directory}: it needs write and execute (wx) permission on the directory and write permission on its files`,
    io: `the system reported ${error.code} for ${directory}: check the device`,
  };
  return new OutboxWriteError(
    code,
    directory,
    `Usage outbox could not write its journal (${error.code} while ${action}): ${advice[code]}. ${consequence}`,
    { cause: error },
  );
}
