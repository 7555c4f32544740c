import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { countChatPromptTokens, countTokens } from '@llm-meter/meter-core';
import type { OutboxEvent } from '@llm-meter/meter-outbox';
import { startOpenAILocal } from '@llm-meter/openai-local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashTestPrompt } from './testing/crash-test-prompt.js';
import { deliverLeftovers } from './testing/journal-outbox.js';
import { runUntilKilled } from './testing/run-until-killed.js';

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
 * Streams in a child process that stops reading after `killAfter` chunks, SIGKILLs it then, and
 * returns the text of every chunk it reported (each line is printed after the chunk went through
 * the meter). Waits on the child's output, never on time.
 */
async function streamThenKill({
  api,
  dir,
  killAfter,
}: {
  api: 'chat' | 'responses';
  dir: string;
  killAfter: number;
}): Promise<string[]> {
  const lines = await runUntilKilled({
    cwd: packageDirectory,
    script: 'src/testing/stream-until-killed.ts',
    args: [api],
    env: { OPENAI_BASE_URL: openaiUrl, OUTBOX_DIR: dir, STOP_AFTER: String(killAfter) },
    killAfter,
    counts: (line) => line.text !== undefined,
  });
  return lines.flatMap((line) => (typeof line.text === 'string' ? [line.text] : []));
}

/** Opens the outbox the killed child left and returns the crashed estimate it delivers. */
async function recoverCrashedEvent(dir: string): Promise<OutboxEvent> {
  const delivered = await deliverLeftovers(dir);
  expect(delivered).toHaveLength(1);
  return delivered[0] as OutboxEvent;
}

describe('crash snapshots: a stream killed after K chunks is billed for at least K - 1', () => {
  const cases = [
    { api: 'chat', killAfter: 1 },
    { api: 'chat', killAfter: 27 },
    { api: 'responses', killAfter: 1 },
    { api: 'responses', killAfter: 20 },
  ] as const;
  // A child process compiles the sources with tsx first: seconds on a loaded machine.
  it.each(cases)(
    '$api, kill -9 after $killAfter chunks',
    { timeout: 600_000 },
    async ({ api, killAfter }) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metering-crash-'));
      try {
        const texts = await streamThenKill({ api, dir, killAfter });
        const event = await recoverCrashedEvent(dir);
        const model = api === 'chat' ? crashTestPrompt.chat.model : crashTestPrompt.responses.model;
        const data = event.data as Record<string, number | string>;
        // Chunk texts counted apart can only over-count BPE merges at chunk boundaries; the
        // Responses estimate adds the token OpenAI bills per output message.
        const framing = api === 'responses' ? 1 : 0;
        const k = texts.length;
        const coveredAtLeast =
          countTokens({ text: texts.slice(0, k - 1).join(''), model }) + framing;
        const separately = texts.reduce((sum, text) => sum + countTokens({ text, model }), 0);
        console.info(
          `${api}: killed after ${k} chunks (${countTokens({ text: texts.join(''), model })} tokens); crashed estimate completion_tokens=${data.completion_tokens}, K-1 chunks = ${coveredAtLeast} tokens`,
        );
        expect(data).toMatchObject({ usage_source: 'estimated', estimate_reason: 'crashed' });
        expect(event.id).toMatch(api === 'chat' ? /^chatcmpl-/ : /^resp_/);
        expect(data.completion_tokens).toBeGreaterThanOrEqual(coveredAtLeast);
        expect(data.completion_tokens).toBeLessThanOrEqual(separately + framing);
        expect(k).toBe(killAfter);
        expect(data.total_tokens).toBe(Number(data.prompt_tokens) + Number(data.completion_tokens));
        if (api === 'chat') {
          expect(data.prompt_tokens).toBe(countChatPromptTokens(crashTestPrompt.chat).tokens);
        } else {
          expect(Number(data.prompt_tokens)).toBeGreaterThan(15);
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
