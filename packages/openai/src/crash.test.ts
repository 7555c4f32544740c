import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { countChatPromptTokens } from '@llm-meter/meter-core';
import {
  deliverLeftovers,
  type MeteredServers,
  runUntilKilled,
  startMeteredServers,
} from '@llm-meter/metering/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
const messages = [{ role: 'user' as const, content: 'Tell me a long story about metering.' }];
const directories: string[] = [];
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
let servers: MeteredServers;
beforeAll(async () => {
  // A paced stream, so the kill lands mid-stream; correctness never depends on the pace.
  servers = await startMeteredServers({ tokensPerSecond: 40 });
});
afterAll(async () => {
  await servers.close();
  for (const dir of directories) fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs call-until-killed.ts and SIGKILLs it once it printed `killAfter` lines. */
function callThenKill({
  mode,
  sdk,
  dir,
  killAfter,
}: {
  mode: 'stream' | 'blocking' | 'held-stream';
  sdk: '6' | '7';
  dir: string;
  killAfter: number;
}): Promise<Record<string, unknown>[]> {
  return runUntilKilled({
    cwd: packageDirectory,
    script: 'src/testing/call-until-killed.ts',
    args: [mode, sdk],
    env: { OPENAI_BASE_URL: servers.openaiUrl, OUTBOX_DIR: dir, STOP_AFTER: String(killAfter) },
    killAfter,
  });
}

describe.each(['6', '7'] as const)('a process killed mid-call (openai %s)', (sdk) => {
  it('bills a stream killed mid-way under its id, for every chunk received', async () => {
    const dir = servers.createOutboxDir();
    directories.push(dir);
    const lines = await callThenKill({ mode: 'stream', sdk, dir, killAfter: 5 });
    const [event, ...others] = await deliverLeftovers(dir);
    expect(others).toEqual([]);
    expect(event?.id).toBe(lines[0]?.id);
    expect(event?.subject).toBe(`crash-stream-${sdk}`);
    const data = event?.data as Record<string, number | string>;
    expect(data).toMatchObject({ usage_source: 'estimated', estimate_reason: 'crashed' });
    const prompt = countChatPromptTokens({ model: 'gpt-4o-mini', messages }).tokens;
    expect(data.prompt_tokens).toBe(prompt);
    // Every chunk the caller received was journaled before it got it.
    const received = lines.map((line) => line.text).join('');
    expect(received.length).toBeGreaterThan(0);
    expect(data.completion_tokens).toBeGreaterThanOrEqual(lines.filter((line) => line.text).length);
    // openai-local billed the same response (what it sent before the connection closed).
    await expect
      .poll(() => servers.billed().find((line) => line.id === event?.id)?.input_tokens)
      .toBe(data.prompt_tokens);
  });

  it.each(['blocking', 'held-stream'] as const)(
    'bills a %s call killed while upstream holds its answer once: its prompt, from the body journaled before sending',
    async (mode) => {
      const dir = servers.createOutboxDir();
      directories.push(dir);
      await callThenKill({ mode, sdk, dir, killAfter: 1 });
      const [event, ...others] = await deliverLeftovers(dir);
      expect(others).toEqual([]);
      expect(event?.subject).toBe(`crash-${mode}-${sdk}`);
      // The provisional id: upstream never named the call.
      expect(event?.id).toMatch(uuid);
      const prompt = countChatPromptTokens({ model: 'gpt-4o-mini', messages }).tokens;
      expect(event?.data).toMatchObject({
        endpoint: 'chat.completions',
        usage_source: 'estimated',
        estimate_reason: 'crashed',
        prompt_tokens: prompt,
        completion_tokens: 0,
      });
      // The pending record was revived (counted) on the next start, never delivered as it was.
      expect(event?.data).not.toHaveProperty('pending_call');
    },
  );
});
