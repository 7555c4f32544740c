import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cleanAppEnvironment,
  parsePrintedUsage,
  readMeterTotals,
  startAppProcess,
} from '@llm-meter/app-kit/testing';
import { countTokens } from '@llm-meter/meter-core';
import { describe, expect, test } from 'vitest';

const streamDirectory = new URL('..', import.meta.url);
const blockingDirectory = new URL('../../blocking/', import.meta.url);

describe('apps/stream', () => {
  test('both apps on one embedded OpenMeter: the totals equal what they metered, the aborted stream included', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'stream-'));
    const env = cleanAppEnvironment({
      LLM_METER_DATA_DIR: dataDir,
      OPENAI_LOCAL_TOKENS_PER_SECOND: '0',
    });
    const blocking = await startAppProcess({ appDirectory: blockingDirectory, env }).done;
    expect(blocking.code).toBe(0);
    const stream = await startAppProcess({
      appDirectory: streamDirectory,
      args: ['--abort-after', '5'],
      env,
    }).done;
    expect(stream.stderr).toBe('');
    expect(stream.code).toBe(0);

    const streamed = parsePrintedUsage(stream.stdout);
    expect(streamed.map((line) => line.source)).toEqual([
      'provider',
      'provider',
      'estimated: aborted',
    ]);
    // Exact estimates for the completed streams: openai-local counts as meter-core does.
    const comparisons = [
      ...stream.stdout.matchAll(/prompt (\d+) vs (\d+), completion (\d+) vs (\d+)/g),
    ];
    expect(comparisons).toHaveLength(2);
    for (const [, promptEstimate, prompt, completionEstimate, completion] of comparisons) {
      expect(promptEstimate).toBe(prompt);
      expect(completionEstimate).toBe(completion);
    }
    // The aborted stream is billed for what was streamed: 5 one-token chunks.
    expect(streamed[2]?.completion).toBe(5);

    const all = [...parsePrintedUsage(blocking.stdout), ...streamed];
    const meters = await readMeterTotals(join(dataDir, 'openmeter-local.db'));
    expect(meters.total).toBe(all.reduce((total, line) => total + line.total, 0));
    expect(meters.prompt).toBe(all.reduce((total, line) => total + line.prompt, 0));
    expect(meters.completion).toBe(all.reduce((total, line) => total + line.completion, 0));
    expect(meters.events).toHaveLength(9);
  });

  test('a run killed mid-stream is metered on the next run, as a crashed estimate, once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'stream-crash-'));
    const env = cleanAppEnvironment({
      LLM_METER_DATA_DIR: dataDir,
      OPENAI_LOCAL_TOKENS_PER_SECOND: '10',
    });
    let killed = false;
    let streamedAtKill = '';
    const first = await startAppProcess({
      appDirectory: streamDirectory,
      args: ['A long answer please, about lighthouses and ships and the sea.'],
      env,
      onStdout: (text, child) => {
        // Kill once the stream has run past a journal snapshot (every 8 chunks).
        const streamedText = text.split('· gpt-4o-mini] ')[1] ?? '';
        if (!killed && streamedText.length > 60) {
          killed = true;
          streamedAtKill = streamedText;
          child.kill('SIGKILL');
        }
      },
    }).done;
    expect(first.signal).toBe('SIGKILL');

    const second = await startAppProcess({
      appDirectory: streamDirectory,
      args: ['--quiet', 'Short one.'],
      env: { ...env, OPENAI_LOCAL_TOKENS_PER_SECOND: '0' },
    }).done;
    expect(second.stderr).toContain('outbox: Took over a stale outbox lock left by process');
    expect(second.stderr).toContain(
      '1 stream(s) were still open when the previous process stopped',
    );
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(
      'outbox: 1 event(s) journaled by an earlier run will be delivered',
    );

    const meters = await readMeterTotals(join(dataDir, 'openmeter-local.db'));
    const crashed = meters.events.filter(
      (stored) => stored.event.data?.estimate_reason === 'crashed',
    );
    expect(crashed).toHaveLength(1);
    expect(crashed[0]?.event.data?.usage_source).toBe('estimated');
    // The last journaled snapshot (taken every 8 chunks) bills what had streamed by then.
    const crashedCompletion = Number(crashed[0]?.event.data?.completion_tokens);
    const streamedTokens = countTokens(streamedAtKill, 'gpt-4o-mini');
    expect(crashedCompletion).toBeGreaterThan(0);
    expect(crashedCompletion).toBeLessThanOrEqual(streamedTokens + 1);
    expect(crashedCompletion).toBeGreaterThan(streamedTokens - 8);
    const ids = meters.events.map((stored) => stored.event.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(2);
    const secondUsage = parsePrintedUsage(second.stdout);
    expect(meters.total).toBe(
      Number(crashed[0]?.event.data?.total_tokens) + (secondUsage[0]?.total ?? Number.NaN),
    );
  });
});
