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
          '--conditions=source',
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
