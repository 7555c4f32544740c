import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cleanAppEnvironment,
  parsePrintedReconciliation,
  parsePrintedUsage,
  parsePrintedUsageTable,
  readMeterTotals,
  startAppProcess,
} from '@llm-meter/app-kit/testing';
import { countTokens } from '@llm-meter/meter-core';
import { describe, expect, test } from 'vitest';

const streamDirectory = new URL('..', import.meta.url);

/** The correction lines the stream app prints for settled estimates. */
function parseSettled(stdout: string) {
  return [
    ...stdout.matchAll(
      /^settled (\S+): correction prompt=(-?\d+) completion=(-?\d+) total=(-?\d+) \(id=(\S+)\)$/gm,
    ),
  ].map((match) => ({
    id: match[1] as string,
    prompt: Number(match[2]),
    completion: Number(match[3]),
    total: Number(match[4]),
    correctionId: match[5] as string,
  }));
}

// Each test runs the app as a child process (tsx compiles it first), with the embedded servers:
// budgets for a loaded machine. They wait on the app's output and exit, never on time.
describe('apps/stream', { timeout: 600_000 }, () => {
  test('--help answers before anything starts; a bad flag is one line with status 1', async () => {
    const env = cleanAppEnvironment({ LLM_METER_DATA_DIR: mkdtempSync(join(tmpdir(), 'stream-')) });
    const help = await startAppProcess({ appDirectory: streamDirectory, args: ['--help'], env })
      .done;
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(
      /^usage: stream \[--quiet\] \[--abort-after N \[--settle-later\] \[--abort-grace-ms MS\]\] \[prompt \.\.\.\]\n/,
    );
    expect(help.stdout).not.toContain('using the local');
    const bad = await startAppProcess({
      appDirectory: streamDirectory,
      args: ['--abort-after', 'x'],
      env,
    }).done;
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe('error: --abort-after takes a whole number of tokens >= 1, got "x"\n');
  });

  test('the aborted stream is billed as an estimate, settled to what was billed, and the meters equal it all', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'stream-'));
    const stream = await startAppProcess({
      appDirectory: streamDirectory,
      args: ['--quiet', '--abort-after', '5', 'First question.', 'Second question.'],
      env: cleanAppEnvironment({
        LLM_METER_DATA_DIR: dataDir,
        OPENAI_LOCAL_TOKENS_PER_SECOND: '0',
      }),
    }).done;
    expect(stream.stderr).toBe('');
    expect(stream.code).toBe(0);

    const printed = parsePrintedUsage(stream.stdout);
    const streamed = printed.slice(0, 2);
    expect(streamed.map((line) => line.source)).toEqual(['provider', 'estimated: aborted']);
    // Then the first prompt to Claude and Gemini, read to the end, and the last one stopped
    // after 5 chunks: upstream is read on for the abort grace, so each is one event, the
    // provider's usage or (upstream cut at the end of the grace) an estimate.
    const others = printed.slice(2);
    expect(others.map((line) => line.source.replace(/^estimated: aborted/, 'provider'))).toEqual([
      'provider, anthropic',
      'provider, google',
      'provider, anthropic',
      'provider, google',
    ]);
    expect(others.map((line) => line.subject)).toEqual([
      'customer-acme',
      'customer-acme',
      'customer-globex',
      'customer-globex',
    ]);
    expect(others[0]?.model).toMatch(/^claude-sonnet-4-5/);
    expect(others[1]?.model).toMatch(/^gemini-2\.5-flash/);
    // The first Claude stream writes its system prompt to the prompt cache for one hour; the
    // second, within the hour, reads it.
    expect(others[0]?.cacheWrite1h).toBeGreaterThan(1024);
    expect(others[0]?.cacheWrite).toBe(others[0]?.cacheWrite1h);
    expect(others[2]?.cached).toBe(others[0]?.cacheWrite1h);
    expect(others[2]?.cacheWrite1h).toBe(0);
    // The aborted stream is billed for what was streamed: 5 one-token chunks.
    expect(streamed[1]?.completion).toBe(5);
    // Its estimate settles to what openai-local billed (it went on generating past the abort):
    // one correction event, unless the estimate was exact.
    const settled = parseSettled(stream.stdout);
    const exact = stream.stdout.includes(`settled ${streamed[1]?.id}: the estimate was exact`);
    expect(settled.length + (exact ? 1 : 0)).toBe(1);
    for (const line of settled) {
      expect(line.id).toBe(streamed[1]?.id);
      expect(line.correctionId).toBe(`${line.id}:settled`);
    }

    const meters = await readMeterTotals(join(dataDir, 'openmeter-local.db'));
    const sum = (key: 'prompt' | 'completion' | 'total') =>
      [...printed, ...settled].reduce((total, line) => total + line[key], 0);
    expect(meters.total).toBe(sum('total'));
    expect(meters.prompt).toBe(sum('prompt'));
    expect(meters.completion).toBe(sum('completion'));
    // Exactly one event per response: 2 OpenAI, 2 Claude, 2 Gemini, and the correction.
    expect(meters.events).toHaveLength(6 + settled.length);

    // The usage table shows them beside the OpenAI models.
    const table = parsePrintedUsageTable(stream.stdout);
    const models = table.rows.map((row) => row.model);
    expect(models.filter((model) => model.startsWith('claude-sonnet-4-5'))).toHaveLength(2);
    const claudeRows = table.rows.filter((row) => row.model.startsWith('claude-sonnet-4-5'));
    expect(claudeRows.map((row) => row.cacheWrite1h)).toEqual([others[0]?.cacheWrite1h, 0]);
    expect(models.filter((model) => model.startsWith('gemini-2.5-flash'))).toHaveLength(2);
    expect(table.rows.every((row) => row.cost.startsWith('$'))).toBe(true);

    // The run ends with the reconciliation against openai-local's Usage API: settled, no drift.
    const reconciliation = parsePrintedReconciliation(stream.stdout);
    expect(reconciliation?.verdict).toBe('No drift past 0%.');
    expect(reconciliation?.rows.length).toBeGreaterThan(0);
    expect(reconciliation?.rows.every((row) => row.difference === 0 && !row.drifts)).toBe(true);
    expect(reconciliation?.cost?.difference).toBe('$0.000000');

    // Beside it, Anthropic's usage and cost reports (openai-local's Admin API): no drift; an
    // aborted Claude stream whose usage did not arrive within the grace can only be known drift.
    const anthropic = parsePrintedReconciliation(stream.stdout, { provider: 'Anthropic' });
    expect(anthropic?.verdict).toMatch(/^No drift past 0%/);
    expect(anthropic?.rows.map((row) => row.model)).toContain('claude-sonnet-4-5-20250929');
    expect(anthropic?.rows.every((row) => row.difference === 0 || row.knownDrift)).toBe(true);
    // The 1-hour cache writes are compared apart, with Anthropic's own report.
    expect(anthropic?.rows.find((row) => row.metric === 'cache_write_1h')).toMatchObject({
      metered: others[0]?.cacheWrite1h,
      reported: others[0]?.cacheWrite1h,
      difference: 0,
    });
    expect(stream.stdout).toContain(
      'Gemini not reconciled: Google publishes no usage or cost report API for Gemini',
    );
  });

  test('Claude and Gemini streams cut at the end of the grace are estimates, never settled, shown as known drift', {
    timeout: 300_000,
  }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'stream-grace-'));
    // Paced at 20 tokens/s with no grace: upstream is still answering when the app stops
    // reading, so it is aborted at once and what was read is billed as an estimate.
    const stream = await startAppProcess({
      appDirectory: streamDirectory,
      args: ['--quiet', '--abort-after', '2', '--abort-grace-ms', '0', 'A long tale, please.'],
      env: cleanAppEnvironment({
        LLM_METER_DATA_DIR: dataDir,
        OPENAI_LOCAL_TOKENS_PER_SECOND: '20',
        // Answers at once (no thinking before the text), so the paced run stays short.
        GEMINI_MODEL: 'gemini-2.0-flash',
      }),
    }).done;
    expect(stream.stderr).toBe('');
    expect(stream.code).toBe(0);
    const others = parsePrintedUsage(stream.stdout).slice(1);
    expect(others.map((line) => line.source)).toEqual([
      'provider, anthropic',
      'provider, google',
      'estimated: aborted, anthropic',
      'estimated: aborted, google',
    ]);
    // Anthropic's message_start gives the input side: only output is estimated.
    expect(others[2]?.prompt).toBe(others[0]?.prompt);
    expect(others[2]?.completion).toBeGreaterThan(0);
    expect(others[3]?.completion).toBeGreaterThan(0);
    for (const line of others.slice(2)) {
      expect(stream.stdout).toContain(`id=${line.id}\n  not settled: `);
    }
    const meters = await readMeterTotals(join(dataDir, 'openmeter-local.db'));
    const estimates = meters.events.filter(
      (stored) => stored.event.data?.usage_source === 'estimated',
    );
    expect(estimates.map((stored) => stored.event.id).sort()).toEqual(
      [...others.slice(2).map((line) => line.id), parsePrintedUsage(stream.stdout)[0]?.id].sort(),
    );
    const anthropic = parsePrintedReconciliation(stream.stdout, { provider: 'Anthropic' });
    expect(anthropic?.verdict).toMatch(/^No drift past 0%/);
    const output = anthropic?.rows.find((row) => row.metric === 'output');
    expect(output?.estimated).toBe(others[2]?.completion);
    expect(output?.drifts).toBe(false);
    expect(output?.difference === 0 || output?.knownDrift).toBe(true);
    expect(Math.abs(output?.difference ?? Number.NaN)).toBeLessThanOrEqual(output?.estimated ?? 0);
  });

  test('an estimate left unsettled drifts in the reconciliation; the next run settles it to zero drift, priced at the served flex tier', {
    timeout: 600_000,
  }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'stream-reconcile-'));
    // o4-mini reasons before its first visible token: openai-local bills those reasoning tokens,
    // which an aborted stream's estimate cannot see, so the estimate is always below the bill.
    // Every request asks for the default tier and is served at flex.
    const env = cleanAppEnvironment({
      LLM_METER_DATA_DIR: dataDir,
      OPENAI_LOCAL_TOKENS_PER_SECOND: '0',
      OPENAI_MODEL: 'o4-mini',
      OPENAI_LOCAL_SERVE_TIER: 'flex',
    });
    const first = await startAppProcess({
      appDirectory: streamDirectory,
      args: [
        '--quiet',
        '--abort-after',
        '5',
        '--settle-later',
        'First question.',
        'A long tale, please.',
      ],
      env,
    }).done;
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const streamed = parsePrintedUsage(first.stdout).slice(0, 2);
    expect(streamed.map((line) => line.source)).toEqual(['provider', 'estimated: aborted']);
    expect(first.stdout).toContain('settlement left to the next run (--settle-later)');
    expect(parseSettled(first.stdout)).toEqual([]);

    // Priced as served, at flex: o4-mini's standard $1.10 / $4.40 per 1M tokens, halved
    // (OpenAI's flex processing guide), none of these prompts cached.
    const table = parsePrintedUsageTable(first.stdout);
    expect(table.prices).toMatch(
      /^prices: @pydantic\/genai-prices \S+ \(standard rates\), flex\/priority\/batch table checked \d{4}-\d{2}-\d{2}$/,
    );
    const o4 = table.rows.filter((row) => row.model.startsWith('o4-mini'));
    expect(o4).toHaveLength(2);
    for (const row of o4) {
      expect(row.model).toBe('o4-mini-2025-04-16');
      expect(row.tier).toBe('flex');
      expect(row.cached).toBe(0);
      expect(row.cost).toBe(`$${((row.input * 0.55 + row.output * 2.2) / 1e6).toFixed(6)}`);
    }

    const unsettled = parsePrintedReconciliation(first.stdout);
    expect(unsettled?.verdict).toMatch(/^\d+ row\(s\) drift past 0% \(marked !\)\.$/);
    const output = unsettled?.rows.find((row) => row.metric === 'output');
    expect(output).toMatchObject({ model: 'o4-mini-2025-04-16', tier: 'flex', drifts: true });
    expect(output?.estimated).toBe(streamed[1]?.completion);
    expect(output?.difference).toBeLessThan(0);
    expect(unsettled?.cost?.drifts).toBe(true);

    // The next run resumes the journaled settlement: one correction closes the gap.
    const second = await startAppProcess({
      appDirectory: streamDirectory,
      args: ['--quiet', 'Short one.'],
      env,
    }).done;
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    const settled = parseSettled(second.stdout);
    expect(settled).toHaveLength(1);
    expect(settled[0]?.id).toBe(streamed[1]?.id);
    expect(settled[0]?.completion).toBe(-(output?.difference ?? 0));
    const closed = parsePrintedReconciliation(second.stdout);
    expect(closed?.verdict).toBe('No drift past 0%.');
    expect(closed?.rows.every((row) => row.difference === 0 && !row.drifts)).toBe(true);
    expect(closed?.rows.find((row) => row.metric === 'output')?.settled).toBe(
      settled[0]?.completion,
    );
    expect(closed?.cost).toMatchObject({ difference: '$0.000000', drifts: false });
    expect(closed?.cost?.metered).toBe(closed?.cost?.reported);
  });

  test('a run killed mid-stream is metered on the next run, as a crashed estimate covering every chunk, once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'stream-crash-'));
    const env = cleanAppEnvironment({
      LLM_METER_DATA_DIR: dataDir,
      OPENAI_LOCAL_TOKENS_PER_SECOND: '20',
    });
    let killed = false;
    const first = await startAppProcess({
      appDirectory: streamDirectory,
      args: ['A long answer please, about lighthouses and ships and the sea.'],
      env,
      onStdout: (text, child) => {
        const streamedText = text.split('· gpt-4o-mini] ')[1] ?? '';
        if (!killed && streamedText.length > 40) {
          killed = true;
          child.kill('SIGKILL');
        }
      },
    }).done;
    expect(first.signal).toBe('SIGKILL');
    // Everything the app printed before it died: each chunk is printed after it was journaled.
    const streamedTokens = countTokens({
      text: first.stdout.split('· gpt-4o-mini] ')[1] ?? '',
      model: 'gpt-4o-mini',
    });

    const second = await startAppProcess({
      appDirectory: streamDirectory,
      args: ['--quiet', 'Short one.'],
      env: { ...env, OPENAI_LOCAL_TOKENS_PER_SECOND: '0' },
    }).done;
    expect(second.stderr).toContain('outbox: Took over a stale outbox lock left by process');
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
    // Journaled on every chunk: the estimate covers what had streamed (K chunks, at least K - 1),
    // plus at most the one chunk journaled but not yet printed at the kill.
    const crashedCompletion = Number(crashed[0]?.event.data?.completion_tokens);
    expect(crashedCompletion).toBeGreaterThanOrEqual(streamedTokens - 1);
    expect(crashedCompletion).toBeLessThanOrEqual(streamedTokens + 1);
    const ids = meters.events.map((stored) => stored.event.id);
    expect(new Set(ids).size).toBe(ids.length);
    // The second run's OpenAI, Claude and Gemini streams, and the crashed one.
    const secondUsage = parsePrintedUsage(second.stdout);
    expect(secondUsage).toHaveLength(3);
    expect(ids).toHaveLength(1 + secondUsage.length);
    expect(meters.total).toBe(
      Number(crashed[0]?.event.data?.total_tokens) +
        secondUsage.reduce((total, line) => total + line.total, 0),
    );
  });
});
