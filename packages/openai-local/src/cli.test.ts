import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));

describe('openai-local command', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'prints its URL, serves the SDK and exits 0 on %s',
    async (signal) => {
      const child = spawn(
        process.execPath,
        [
          '--conditions=@llm-meter/source',
          '--import',
          'tsx',
          cli,
          '--port',
          '0',
          '--seed',
          '5',
          '--tokens-per-second',
          '0',
          '--quiet',
        ],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      try {
        const lines = createInterface({ input: child.stdout });
        const [url] = (await once(lines, 'line')) as [string];
        expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
        const client = new OpenAI({ apiKey: 'test', baseURL: url, maxRetries: 0 });
        const stream = await client.chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: 'Hi' }],
          stream: true,
        });
        let text = '';
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
        expect(text.length).toBeGreaterThan(0);
        child.kill(signal);
        const [code] = await once(child, 'exit');
        expect(code).toBe(0);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    },
  );
});

describe('openai-local command errors and key announcement', () => {
  const run = (args: string[], env: Record<string, string> = {}) =>
    spawn(process.execPath, ['--conditions=@llm-meter/source', '--import', 'tsx', cli, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });

  it.each([
    [['--no-such-flag'], "Unknown option '--no-such-flag'"],
    [['--port', 'eighty'], 'invalid --port "eighty"'],
  ])('%j exits 1 with one line on stderr', async (args, want) => {
    const child = run(args);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(`^openai-local: .*${want.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*--help`),
      ),
    ]);
  });

  it('--help prints the options and exits 0 before starting anything', async () => {
    const child = run(['--help', '--port', 'not-a-port']);
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: openai-local [options]');
    expect(stdout).toContain('--admin-key');
  });

  it('takes the key from OPENAI_LOCAL_API_KEY and does not announce "any OPENAI_API_KEY"', async () => {
    const child = run(['--port', '0'], { OPENAI_LOCAL_API_KEY: 'sk-test-from-env' });
    try {
      const lines = createInterface({ input: child.stdout });
      const errors = createInterface({ input: child.stderr });
      const [url] = (await once(lines, 'line')) as [string];
      const [announcement] = (await once(errors, 'line')) as [string];
      expect(announcement).toContain('listening');
      expect(announcement).not.toContain('any OPENAI_API_KEY');
      expect(announcement).not.toContain('sk-test-from-env');
      const wrong = new OpenAI({ apiKey: 'other', baseURL: url, maxRetries: 0 });
      await expect(wrong.models.list()).rejects.toMatchObject({ status: 401 });
      const right = new OpenAI({ apiKey: 'sk-test-from-env', baseURL: url, maxRetries: 0 });
      await expect(right.models.list()).resolves.toBeDefined();
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
