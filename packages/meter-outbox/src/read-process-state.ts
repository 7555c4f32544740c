import * as fs from 'node:fs';

/**
 * What `/proc/<pid>/stat` says of a process: its state letter (`R`, `S`, `T` stopped, `Z`
 * zombie, ...) and its start time (clock ticks after boot, which tells a reused pid apart).
 * Undefined when no such process exists. Without `/proc` (not Linux) it falls back to
 * `kill(pid, 0)`, which cannot see zombies or reuse.
 */
export function readProcessState(
  pid: number,
): { state: string; startTime: string | undefined } | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && fs.existsSync('/proc/self/stat')) {
      return undefined;
    }
    try {
      process.kill(pid, 0);
      return { state: 'R', startTime: undefined };
    } catch (killError) {
      // EPERM: it exists but belongs to someone else.
      return (killError as NodeJS.ErrnoException).code === 'EPERM'
        ? { state: 'R', startTime: undefined }
        : undefined;
    }
  }
  // The command name (field 2) is in parentheses and may hold spaces or ')': read after the last.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name: state is field 3, starttime field 22 (1-based), so indexes 0 and 19 here.
  return { state: fields[0] ?? '?', startTime: fields[19] };
}
