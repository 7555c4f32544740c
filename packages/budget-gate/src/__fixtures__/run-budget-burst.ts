import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** What one burst admitted, summed over its processes. */
export interface BurstResult {
  admitted: number;
  refused: number;
  tokens: number;
  worstCase: number;
}

const workerPath = fileURLToPath(new URL('./budget-worker.ts', import.meta.url));

/**
 * Starts `processes` workers, waits until each is ready, tells them all to go at once, and sums
 * what they admitted. Every worker fires `concurrency` calls at the same moment.
 */
export async function runBudgetBurst(input: {
  processes: number;
  concurrency: number;
  budget: number;
  maxCompletionTokens: number;
  mode: 'gated' | 'ungated';
  redisUrl: string;
  openaiBaseUrl: string;
}): Promise<BurstResult> {
  const keyPrefix = `burst:${crypto.randomUUID()}`;
  const workers = Array.from({ length: input.processes }, (_, index) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@llm-meter/source', '--import', 'tsx', workerPath],
      {
        env: {
          ...process.env,
          BUDGET: String(input.budget),
          CONCURRENCY: String(input.concurrency),
          MAX_COMPLETION_TOKENS: String(input.maxCompletionTokens),
          MODE: input.mode,
          OPENAI_BASE_URL: input.openaiBaseUrl,
          REDIS_URL: input.redisUrl,
          KEY_PREFIX: keyPrefix,
          WORKER: String(index),
        },
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    const lines = createInterface({ input: child.stdout });
    const next = () =>
      new Promise<string>((resolve, reject) => {
        lines.once('line', resolve);
        // 'close', not 'exit': a worker's last line may still be in the pipe when it exits.
        child.once('close', (code) =>
          reject(new Error(`budget worker ${index} exited with ${code}`)),
        );
      });
    return { child, next };
  });
  let lines: string[];
  try {
    await Promise.all(workers.map(async (worker) => worker.next()));
    const results = workers.map((worker) => worker.next());
    for (const worker of workers) worker.child.stdin.write('go\n');
    lines = await Promise.all(results);
  } finally {
    // A worker left running (a failed sibling, a test timeout) would keep Vitest from exiting.
    for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
  }
  const parsed = lines.map((line) => JSON.parse(line) as BurstResult);
  return parsed.reduce(
    (sum, result) => ({
      admitted: sum.admitted + result.admitted,
      refused: sum.refused + result.refused,
      tokens: sum.tokens + result.tokens,
      worstCase: Math.max(sum.worstCase, result.worstCase),
    }),
    { admitted: 0, refused: 0, tokens: 0, worstCase: 0 },
  );
}
