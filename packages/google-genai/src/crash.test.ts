import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getUsageProvider } from '@llm-meter/meter-core';
import {
  deliverLeftovers,
  type MeteredServers,
  runUntilKilled,
  startMeteredServers,
} from '@llm-meter/metering/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashTestParams } from './testing/crash-test-params.js';

const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
const directories: string[] = [];
let servers: MeteredServers;
beforeAll(async () => {
  // A paced stream, so the kill lands mid-stream; correctness never depends on the pace.
  servers = await startMeteredServers({ tokensPerSecond: 40 });
});
afterAll(async () => {
  await servers.close();
  for (const dir of directories) fs.rmSync(dir, { recursive: true, force: true });
});

// The child picks its SDK itself (it runs outside vitest): this project's major.
const major = process.env.GENAI_MAJOR === '2' ? '2' : '3';

/** Runs call-until-killed.ts and SIGKILLs it once it printed `killAfter` lines. */
async function callThenKill(input: { mode: 'stream' | 'blocking'; killAfter: number }) {
  const dir = servers.createOutboxDir();
  directories.push(dir);
  const lines = await runUntilKilled({
    cwd: packageDirectory,
    script: 'src/testing/call-until-killed.ts',
    args: [input.mode, major],
    env: { GEMINI_BASE_URL: servers.origin, OUTBOX_DIR: dir, STOP_AFTER: String(input.killAfter) },
    killAfter: input.killAfter,
  });
  return { dir, lines };
}

describe(`a process killed mid-call (@google/genai ${major})`, () => {
  it('bills a stream killed mid-way under its responseId, never below the counts the caller saw', async () => {
    const { dir, lines } = await callThenKill({ mode: 'stream', killAfter: 4 });
    const [event, ...others] = await deliverLeftovers(dir);
    expect(others).toEqual([]);
    expect(event?.id).toBe(lines[0]?.id);
    expect(event?.subject).toBe(`crash-stream-${major}`);
    const data = event?.data as Record<string, number | string>;
    expect(data).toMatchObject({ usage_source: 'estimated', estimate_reason: 'crashed' });
    // Every chunk the caller received was journaled before it got it: the last one's cumulative
    // counts are a floor of the estimate.
    const seen = lines.at(-1)?.usage as { promptTokenCount: number; candidatesTokenCount: number };
    expect(data.prompt_tokens).toBe(seen.promptTokenCount);
    expect(data.completion_tokens).toBeGreaterThanOrEqual(seen.candidatesTokenCount);
    // openai-local billed the same response with the same prompt.
    await expect
      .poll(() => servers.billed().find((line) => line.id === event?.id)?.input_tokens)
      .toBe(data.prompt_tokens);
  });

  it('bills a blocking call killed while upstream holds its answer (the prompt, journaled before sending)', async () => {
    const { dir } = await callThenKill({ mode: 'blocking', killAfter: 1 });
    const [event, ...others] = await deliverLeftovers(dir);
    expect(others).toEqual([]);
    expect(event?.subject).toBe(`crash-blocking-${major}`);
    expect(event?.data).toMatchObject({
      provider: 'google',
      usage_source: 'estimated',
      estimate_reason: 'crashed',
      prompt_tokens: getUsageProvider('google').estimateRequest(crashTestParams).promptTokens,
      completion_tokens: 0,
    });
  });
});
