import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** What an app process printed and how it ended. */
export interface AppProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment with every variable the apps read removed, so a test starts from defaults. */
export function cleanAppEnvironment(overrides: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    // INIT_CWD (set by pnpm) would move relative paths to where the test command was typed.
    if (!/^(OPENAI_|ANTHROPIC_|GEMINI_|OPENMETER_|LLM_METER_|INIT_CWD$)/.test(name))
      env[name] = value;
  }
  // A developer's apps/*/.env (with a real OPENAI_API_KEY, say) must not leak into the tests.
  return { ...env, LLM_METER_DOTENV: '0', ...overrides };
}

/**
 * Starts an app's `src/main.ts` as a child process (TypeScript through tsx, workspace packages
 * from source) and collects its output. `onStdout` sees the output as it arrives, e.g. to kill
 * the process at a chosen moment.
 */
export function startAppProcess({
  appDirectory,
  args = [],
  env,
  onStdout,
}: {
  appDirectory: URL;
  args?: string[];
  env: NodeJS.ProcessEnv;
  onStdout?: (text: string, child: ChildProcess) => void;
}): { child: ChildProcess; done: Promise<AppProcessResult> } {
  const child = spawn(
    process.execPath,
    ['--conditions=@llm-meter/source', '--import', 'tsx', 'src/main.ts', ...args],
    { cwd: fileURLToPath(appDirectory), env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
    onStdout?.(stdout, child);
  });
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  const done = new Promise<AppProcessResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/** The usage lines the apps print per call: subject, model, tokens and event id. */
export interface PrintedUsage {
  subject: string;
  model: string;
  prompt: number;
  cached: number;
  /** Input written to the prompt cache, printed when the provider reported some (Anthropic). */
  cacheWrite: number;
  /** Of `cacheWrite`, the 1-hour writes, printed beside it when the provider split them. */
  cacheWrite1h: number;
  completion: number;
  total: number;
  source: string;
  id: string;
}

/** Reads the per-call usage lines out of an app's output. */
export function parsePrintedUsage(stdout: string): PrintedUsage[] {
  const pattern =
    /^(\S+) {2}(\S+) {2}prompt=(\d+) cached=(\d+)(?: cache_write=(\d+)(?: cache_write_1h=(\d+))?)? completion=(\d+) total=(\d+) \(([^)]+)\) {2}id=(\S+)$/gm;
  return [...stdout.matchAll(pattern)].map((match) => ({
    subject: match[1] as string,
    model: match[2] as string,
    prompt: Number(match[3]),
    cached: Number(match[4]),
    cacheWrite: Number(match[5] ?? 0),
    cacheWrite1h: Number(match[6] ?? 0),
    completion: Number(match[7]),
    total: Number(match[8]),
    source: match[9] as string,
    id: match[10] as string,
  }));
}
