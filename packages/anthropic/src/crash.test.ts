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
import { crashTestBody } from './testing/crash-test-body.js';

const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
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
function callThenKill(input: {
  mode: 'stream' | 'blocking' | 'held-stream';
  sdk: '1' | '0';
  killAfter: number;
}): Promise<{ dir: string; lines: Record<string, unknown>[] }> {
  const dir = servers.createOutboxDir();
  directories.push(dir);
  return runUntilKilled({
    cwd: packageDirectory,
    script: 'src/testing/call-until-killed.ts',
    args: [input.mode, input.sdk],
    env: {
      ANTHROPIC_BASE_URL: servers.origin,
      OUTBOX_DIR: dir,
      STOP_AFTER: String(input.killAfter),
    },
    killAfter: input.killAfter,
  }).then((lines) => ({ dir, lines }));
}

describe.each(['1', '0'] as const)('a process killed mid-call (@anthropic-ai/sdk %s)', (sdk) => {
  it('bills a stream killed mid-way under its msg_ id, for every event received', async () => {
    const { dir, lines } = await callThenKill({ mode: 'stream', sdk, killAfter: 8 });
    const [event, ...others] = await deliverLeftovers(dir);
    expect(others).toEqual([]);
    expect(event?.id).toBe(lines[0]?.id);
    expect(event?.id).toMatch(/^msg_/);
    expect(event?.subject).toBe(`crash-stream-${sdk}`);
    const data = event?.data as Record<string, number | string>;
    expect(data).toMatchObject({ usage_source: 'estimated', estimate_reason: 'crashed' });
    // Every text delta the caller received was journaled before it got it.
    expect(data.completion_tokens).toBeGreaterThanOrEqual(lines.filter((line) => line.text).length);
    // The input side is message_start's, which openai-local billed for the same message.
    await expect
      .poll(() => servers.billed().find((line) => line.id === event?.id)?.input_tokens)
      .toBe(data.prompt_tokens);
  });

  it.each(['blocking', 'held-stream'] as const)(
    'bills a %s call killed while upstream holds its answer once: its prompt, from the body journaled before sending',
    async (mode) => {
      const { dir } = await callThenKill({ mode, sdk, killAfter: 1 });
      const [event, ...others] = await deliverLeftovers(dir);
      expect(others).toEqual([]);
      expect(event?.subject).toBe(`crash-${mode}-${sdk}`);
      // The provisional id: upstream never named the call.
      expect(event?.id).toMatch(uuid);
      expect(event?.data).toMatchObject({
        endpoint: 'messages',
        usage_source: 'estimated',
        estimate_reason: 'crashed',
        prompt_tokens: getUsageProvider('anthropic').estimateRequest(crashTestBody).promptTokens,
        completion_tokens: 0,
      });
      // The pending record was revived (counted) on the next start, never delivered as it was.
      expect(event?.data).not.toHaveProperty('pending_call');
    },
  );
});
