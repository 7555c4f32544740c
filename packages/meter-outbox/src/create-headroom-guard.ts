import { OutboxWriteError } from './errors.js';
import type { JournalFileSystem } from './journal-file-system.js';

/**
 * The journal's free-space reserve: below it new events are refused before anything is written,
 * so no write is ever torn; while refusing, free space is checked again once a second.
 */
export interface HeadroomGuard {
  /** Checks free space now (at each new segment, and on open). */
  check(): void;
  /** Throws the refusal while refusing (`disk-full`), checking again once its pause is over. */
  assert(): void;
  /** Refuses from now on, for at least a second, with `error` (a write met a full disk). */
  refuse(error: OutboxWriteError): void;
  isRefusing(): boolean;
}

/**
 * Creates the guard of the journal in `directory`. `onRefusing` hears each check that finds
 * free space below `reserveBytes` (the space written ahead is then given back).
 */
export function createHeadroomGuard({
  fsys,
  directory,
  reserveBytes,
  now,
  onRefusing,
}: {
  fsys: JournalFileSystem;
  directory: string;
  reserveBytes: number;
  /** The clock of the pause between checks while refusing. */
  now: () => Date;
  onRefusing: () => void;
}): HeadroomGuard {
  let refusal: OutboxWriteError | undefined;
  let refusingUntil = 0;
  const refuse = (error: OutboxWriteError) => {
    refusal = error;
    refusingUntil = now().getTime() + 1000;
  };
  const check = () => {
    let free: number;
    try {
      const stats = fsys.statfsSync(directory);
      free = stats.bavail * stats.bsize;
    } catch {
      return; // No statfs here: rely on write errors alone.
    }
    if (free < reserveBytes) {
      refuse(
        new OutboxWriteError(
          'disk-full',
          directory,
          `Usage outbox refuses new events: the file system holding ${directory} has ${free} bytes free, below the ${reserveBytes}-byte reserve the outbox keeps so that no write is ever torn. Free space there; events already journaled are kept and still delivered. Nothing of this event was recorded.`,
        ),
      );
      onRefusing();
    } else refusal = undefined;
  };
  return {
    check,
    assert() {
      if (refusal === undefined) return;
      if (now().getTime() >= refusingUntil) check();
      if (refusal) throw refusal;
    },
    refuse,
    isRefusing: () => refusal !== undefined,
  };
}
