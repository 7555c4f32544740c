import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const packageDirectory = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Spawns a TypeScript test script of this package in its own Node process, collecting its
 * output lines; `waitForLine` resolves on the first line matching.
 */
export function runChild(script: string, args: string[]) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=@llm-meter/source', '--import', 'tsx', script, ...args],
    { cwd: packageDirectory, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: string[] = [];
  let stderr = '';
  const listeners = new Set<() => void>();
  let buffered = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => {
    buffered += text;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    lines.push(...parts);
    for (const listener of listeners) listener();
  });
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    // 'close', not 'exit': the last lines may still be in the pipes when the process exits.
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  const waitForLine = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const found = lines.find((line) => pattern.test(line));
        if (found !== undefined) {
          listeners.delete(check);
          resolve(found);
        }
      };
      listeners.add(check);
      check();
      void exited.then(({ code }) => {
        listeners.delete(check);
        reject(new Error(`child exited (${code}) before printing ${pattern}: ${stderr}`));
      });
    });
  return { child, lines, exited, waitForLine, stderr: () => stderr };
}
