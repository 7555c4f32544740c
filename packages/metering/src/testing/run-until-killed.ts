import { spawn } from 'node:child_process';

/**
 * Runs a test's child script (`node --conditions=@llm-meter/source --import tsx <script>` in
 * `cwd`), reads the JSON line it prints per step, SIGKILLs it once `killAfter` of them counted
 * (`counts`, default every line), and returns every line read. Waits on the child's output, never on time; throws if the child ended on its
 * own (printed `{"end":true}`) instead of being killed mid-call.
 */
export async function runUntilKilled({
  cwd,
  script,
  args,
  env,
  killAfter,
  counts = () => true,
}: {
  cwd: string;
  script: string;
  args: string[];
  env: Record<string, string>;
  killAfter: number;
  /** Whether a line counts towards `killAfter` (a streamed text, not a progress note). */
  counts?: ((line: Record<string, unknown>) => boolean) | undefined;
}): Promise<Record<string, unknown>[]> {
  const child = spawn(
    process.execPath,
    ['--conditions=@llm-meter/source', '--import', 'tsx', script, ...args],
    { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: Record<string, unknown>[] = [];
  let counted = 0;
  let stderr = '';
  let buffered = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    buffered += text;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const part of parts) {
      const line = JSON.parse(part) as Record<string, unknown>;
      lines.push(line);
      if (counts(line)) counted += 1;
    }
    if (counted >= killAfter) child.kill('SIGKILL');
  });
  const signal = await new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('close', (_code, closeSignal) => resolve(closeSignal)),
  );
  if (lines.some((line) => line.end) || signal !== 'SIGKILL') {
    throw new Error(
      `the child was not killed mid-call (${counted} of ${killAfter} lines counted): ${stderr}`,
    );
  }
  return lines;
}
