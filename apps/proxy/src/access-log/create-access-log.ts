import { createWriteStream, openSync } from 'node:fs';
import type { AccessLog } from './access-log-entry.js';

/** Where access log lines go: the proxy's stdout, or a file (appended to). */
export type AccessLogTarget = { kind: 'stdout' } | { kind: 'file'; path: string };

/**
 * The access log as JSON lines: one JSON object per line and per request, written to stdout
 * (beside the proxy's own lines, none of which starts with `{`) or appended to a file, without
 * waiting for the write. The file is opened at once (throws when it cannot be); a write that
 * fails later goes to `onError` once, and requests go on.
 * @see https://jsonlines.org/
 */
export function createAccessLog({
  target,
  onError,
}: {
  target: AccessLogTarget;
  onError: (error: unknown) => void;
}): AccessLog & { close(): Promise<void> } {
  if (target.kind === 'stdout') {
    return {
      write: (entry) => {
        process.stdout.write(`${JSON.stringify(entry)}\n`);
      },
      close: async () => undefined,
    };
  }
  const file = createWriteStream(target.path, { fd: openSync(target.path, 'a') });
  let failed = false;
  file.on('error', (error) => {
    if (failed) return;
    failed = true;
    onError(error);
  });
  return {
    write: (entry) => {
      if (!failed) file.write(`${JSON.stringify(entry)}\n`);
    },
    close: () =>
      new Promise((resolve) => {
        if (failed || file.closed) resolve();
        else file.end(() => resolve());
      }),
  };
}
