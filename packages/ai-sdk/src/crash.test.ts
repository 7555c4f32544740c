import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OutboxEvent } from '@llm-meter/meter-outbox';
import { deliverLeftovers, runUntilKilled } from '@llm-meter/metering/testing';
import { startOpenAILocal } from '@llm-meter/openai-local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
let openaiUrl = '';
let closeOpenAI: () => Promise<void> = async () => undefined;
beforeAll(async () => {
  // A paced stream, so the kill lands mid-stream; correctness never depends on the pace.
  const local = await startOpenAILocal({ tokensPerSecond: 40 });
  openaiUrl = local.url;
  closeOpenAI = () => local.close();
});
afterAll(() => closeOpenAI());

/**
 * Runs one call in a child process and SIGKILLs it once it printed `killAfter` lines (the
 * request handed to fetch, or text deltas); waits on the child's output, never on time.
 */
async function callThenKill({
  mode,
  provider,
  dir,
  killAfter,
}: {
  mode: 'stream' | 'generate';
  provider: string;
  dir: string;
  killAfter: number;
}): Promise<string[]> {
  const lines = await runUntilKilled({
    cwd: packageDirectory,
    script: 'src/testing/call-until-killed.ts',
    args: [mode, provider],
    env: { OPENAI_LOCAL_URL: openaiUrl, OUTBOX_DIR: dir, STOP_AFTER: String(killAfter) },
    killAfter,
    counts: (line) => (mode === 'stream' ? line.text !== undefined : line.sent === true),
  });
  return lines.flatMap((line) => (typeof line.text === 'string' ? [line.text] : []));
}

const idPatterns: Record<string, RegExp> = {
  'openai-responses': /^resp_/,
  'openai-chat': /^chatcmpl-/,
  anthropic: /^msg_/,
  gemini: /^[A-Za-z0-9_-]{10,}$/,
};
// Gemini streams its answer in a few large chunks.
const streamKillAfter: Record<string, number> = { gemini: 1 };

describe('kill -9 through the middleware: the next start bills what the killed process journaled', () => {
  it.each(Object.keys(idPatterns))(
    '%s: a stream killed mid-way is billed once, under the provider id, for what it streamed',
    { timeout: 600_000 },
    async (provider) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-sdk-crash-'));
      const killAfter = streamKillAfter[provider] ?? 5;
      try {
        const texts = await callThenKill({ mode: 'stream', provider, dir, killAfter });
        const delivered = await deliverLeftovers(dir);
        expect(delivered).toHaveLength(1);
        const [event] = delivered as [OutboxEvent];
        const data = event.data as Record<string, number | string>;
        expect(event.id).toMatch(idPatterns[provider] as RegExp);
        expect(data).toMatchObject({ usage_source: 'estimated', estimate_reason: 'crashed' });
        expect(texts).toHaveLength(killAfter);
        // Each delta was journaled before the caller saw it: at least a token for each.
        expect(Number(data.completion_tokens)).toBeGreaterThanOrEqual(killAfter);
        expect(Number(data.prompt_tokens)).toBeGreaterThan(10);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  // The pending record is provider-neutral but for its prompt meter: two providers suffice.
  it.each(['openai-chat', 'gemini'])(
    '%s: a blocking call killed while upstream holds its answer is billed its prompt',
    { timeout: 600_000 },
    async (provider) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-sdk-crash-'));
      try {
        await callThenKill({ mode: 'generate', provider, dir, killAfter: 1 });
        const delivered = await deliverLeftovers(dir);
        expect(delivered).toHaveLength(1);
        const data = (delivered[0] as OutboxEvent).data as Record<string, number | string>;
        expect(data).toMatchObject({
          usage_source: 'estimated',
          estimate_reason: 'crashed',
          completion_tokens: 0,
        });
        expect(Number(data.prompt_tokens)).toBeGreaterThan(10);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
