import { type ChildProcess, spawn } from 'node:child_process';
import type { WriteStream } from 'node:fs';

/** A process of the chaos run, started and ready. */
export interface RunningChild {
  child: ChildProcess;
  /** Resolves with the exit code (null after a signal) once the process and its pipes closed. */
  exited: Promise<number | null>;
  /** The first match of `ready` in its output. */
  match: RegExpExecArray;
}

/**
 * Starts `node <args>` and resolves once its output matches `ready`; rejects with its output
 * when it exits first. Everything it prints goes to `log`, prefixed with `name`.
 */
export function startChild({
  name,
  args,
  env,
  cwd,
  ready,
  log,
}: {
  name: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string | undefined;
  ready: RegExp;
  log: WriteStream;
}): Promise<RunningChild> {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, LLM_METER_DOTENV: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // 'close', not 'exit': the last lines may still be in the pipes when the process exits.
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  let output = '';
  return new Promise((resolve, reject) => {
    let matched = false;
    const onData = (data: Buffer) => {
      const text = data.toString('utf8');
      log.write(text.replace(/^(?=.)/gm, `[${name}] `));
      if (matched) return;
      output += text;
      const match = ready.exec(output);
      if (match) {
        matched = true;
        output = '';
        resolve({ child, exited, match });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      if (!matched)
        reject(new Error(`${name} exited with ${code} before it was ready: ${output.trim()}`));
    });
  });
}
