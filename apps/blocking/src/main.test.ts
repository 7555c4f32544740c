import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cleanAppEnvironment,
  parsePrintedUsage,
  readMeterTotals,
  startAppProcess,
} from '@llm-meter/app-kit/testing';
import { usageEventMeters } from '@llm-meter/meter-core';
import { startOpenAILocal } from '@llm-meter/openai-local';
import { startOpenMeterLocal } from '@llm-meter/openmeter-local';
import { describe, expect, test } from 'vitest';

const appDirectory = new URL('..', import.meta.url);

// Each test runs the app as a child process (tsx compiles it first): budgets for a loaded machine.
describe('apps/blocking', { timeout: 600_000 }, () => {
  test('meters every default prompt on the embedded defaults; OpenMeter totals equal the printed usage', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'blocking-'));
    const { done } = startAppProcess({
      appDirectory,
      env: cleanAppEnvironment({
        LLM_METER_DATA_DIR: dataDir,
        OPENAI_LOCAL_TOKENS_PER_SECOND: '0',
      }),
    });
    const result = await done;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'OpenAI (no OPENAI_API_KEY), Anthropic (no ANTHROPIC_API_KEY), Gemini (no GEMINI_API_KEY): using the local simulator at http://127.0.0.1:',
    );
    expect(result.stdout).toContain(
      'no OPENMETER_URL: using the local OpenMeter-compatible server at http://127.0.0.1:',
    );

    // The embedded OpenMeter gets the demo budgets: customer-initech's day (2,000 tokens) holds
    // its first question (1,100-token handbook, answer capped at 500) but not its second.
    expect(result.stdout).toMatch(
      /^budgets: each call is checked first against a day's tokens on the embedded OpenMeter \(feature llm_tokens\): customer-acme 1000000, customer-globex 1000000, customer-initech 2000; reservations in (this process|Redis at \S+ \(REDIS_URL\))$/m,
    );
    const refusals = result.stdout.split('\n').filter((line) => line.includes('refused'));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatch(
      /^customer-initech {2}refused before the call: over its budget of 2000 tokens \(used \d+, this call may use up to \d+\) — no tokens spent$/,
    );

    const usage = parsePrintedUsage(result.stdout);
    // Five OpenAI calls (one refused), then one Claude and one Gemini call, metered the same way.
    expect(usage).toHaveLength(7);
    expect(usage.filter((line) => line.subject === 'customer-initech')).toHaveLength(1);
    expect(new Set(usage.map((line) => line.subject)).size).toBe(3);
    expect(new Set(usage.map((line) => line.model)).size).toBe(4);
    expect(new Set(usage.map((line) => line.id)).size).toBe(7);
    expect(usage.slice(-2).map((line) => [line.model, line.source])).toEqual([
      ['claude-sonnet-4-5-20250929', 'provider, anthropic'],
      ['gemini-2.5-flash', 'provider, google'],
    ]);
    // Claude's system block is marked for caching: a first run writes it to the prompt cache,
    // billed as input (1.25 times the input rate), and the line says how much.
    const claude = usage.at(-2);
    expect(claude?.cacheWrite).toBeGreaterThan(1000);
    expect(claude?.prompt).toBeGreaterThan(claude?.cacheWrite ?? Number.NaN);
    for (const line of usage) {
      expect(line.source).toMatch(/^provider(, anthropic|, google)?$/);
      expect(line.total).toBe(line.prompt + line.completion);
    }
    // The usage table prices them at their providers' rates, never as unpriced.
    expect(result.stdout).toMatch(
      /^\S+ +customer-acme +claude-sonnet-4-5-20250929 +standard .* \$\d/m,
    );
    expect(result.stdout).toMatch(/^\S+ +customer-acme +gemini-2\.5-flash .* \$\d/m);
    expect(result.stdout).toMatch(
      /subject\s+model\s+tier\s+input\s+cached\s+cache_write\s+cache_write_1h\s+output\s+total\s+cost/,
    );

    const totals = await readMeterTotals(join(dataDir, 'openmeter-local.db'));
    const sum = (key: 'prompt' | 'cached' | 'completion' | 'total') =>
      usage.reduce((total, line) => total + line[key], 0);
    expect(totals.prompt).toBe(sum('prompt'));
    // The shared 1,100-token handbook is served from the prompt cache after each model's first
    // call: 4 calls after the first two, one of them refused.
    expect(usage.filter((line) => line.cached >= 1024)).toHaveLength(3);
    expect(totals.cached).toBe(usage.reduce((total, line) => total + line.cached, 0));
    expect(totals.completion).toBe(sum('completion'));
    expect(totals.total).toBe(sum('total'));
    const refusalEvents = totals.events.filter((event) => event.event.type === 'llm_refusal');
    expect(
      totals.events
        .filter((event) => event.event.type !== 'llm_refusal')
        .map((event) => event.event.id)
        .sort(),
    ).toEqual(usage.map((line) => line.id).sort());
    // The refused call is journaled as a refusal event (the dashboard's customer page counts it).
    expect(refusalEvents.map((event) => event.event.subject)).toEqual(['customer-initech']);
  });

  test('a wrong OPENMETER_API_KEY fails clearly, without a stack trace or the key', async () => {
    const server = await startOpenMeterLocal({ apiKey: 'the-right-key' });
    try {
      const wrongKey = 'om_wrong_key_7f3a9c';
      const { done } = startAppProcess({
        appDirectory,
        env: cleanAppEnvironment({
          LLM_METER_DATA_DIR: mkdtempSync(join(tmpdir(), 'blocking-')),
          OPENMETER_URL: server.url,
          OPENMETER_API_KEY: wrongKey,
        }),
      });
      const result = await done;
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe(
        `error: OpenMeter at ${server.url} refused the API key (401): check OPENMETER_API_KEY.`,
      );
      expect(`${result.stdout}${result.stderr}`).not.toContain(wrongKey);
    } finally {
      await server.close();
    }
  });

  test('a data directory that cannot be created fails in one line naming LLM_METER_DATA_DIR', async () => {
    // Root writes into a chmod'ed read-only directory, so the path goes under a regular file.
    const root = mkdtempSync(join(tmpdir(), 'blocking-'));
    const file = join(root, 'a-file');
    writeFileSync(file, '');
    const { done } = startAppProcess({
      appDirectory,
      env: cleanAppEnvironment({ LLM_METER_DATA_DIR: join(file, 'data') }),
    });
    const result = await done;
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `error: cannot create the outbox journal ${file}/data/outbox-blocking (ENOTDIR: not a directory, mkdir '${file}/data/outbox-blocking'): set LLM_METER_DATA_DIR (now "${file}/data") to a writable directory, or LLM_METER_OUTBOX_DIR for the outbox journal alone.\n`,
    );
  });

  test('OPENAI_BASE_URL alone, to a server that wants a key, fails saying no key was set', async () => {
    const openai = await startOpenAILocal({ apiKey: 'sk-the-right-key' });
    try {
      const { done } = startAppProcess({
        appDirectory,
        env: cleanAppEnvironment({
          LLM_METER_DATA_DIR: mkdtempSync(join(tmpdir(), 'blocking-')),
          OPENAI_BASE_URL: openai.url,
        }),
      });
      const result = await done;
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `error: the server at OPENAI_BASE_URL (${openai.url}) requires an API key (401) and none was set: set OPENAI_API_KEY.\n`,
      );
    } finally {
      await openai.close();
    }
  });

  test('an unreachable OPENMETER_URL fails clearly', async () => {
    const server = await startOpenMeterLocal({});
    const url = server.url;
    await server.close();
    const { done } = startAppProcess({
      appDirectory,
      env: cleanAppEnvironment({
        LLM_METER_DATA_DIR: mkdtempSync(join(tmpdir(), 'blocking-')),
        OPENMETER_URL: url,
      }),
    });
    const result = await done;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: Could not reach OpenMeter: GET .* Check OPENMETER_URL\.\n$/,
    );
  });

  test('--help answers before anything starts or is billed; an unknown flag is one line, status 1', async () => {
    const env = cleanAppEnvironment({
      LLM_METER_DATA_DIR: mkdtempSync(join(tmpdir(), 'blocking-')),
    });
    const help = await startAppProcess({ appDirectory, args: ['--help'], env }).done;
    expect(help.code).toBe(0);
    expect(help.stderr).toBe('');
    expect(help.stdout).toMatch(/^usage: blocking \[question \.\.\.\]\n/);
    expect(help.stdout).not.toContain('using the local');
    const unknown = await startAppProcess({ appDirectory, args: ['--verbose'], env }).done;
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toBe(
      'error: unknown flag --verbose; usage: blocking [question ...] (see --help)\n',
    );
  });

  test('an OPENAI_BASE_URL without /v1 that answers 404 gets the hint', async () => {
    // Any HTTP server that does not serve the OpenAI API answers 404; openmeter-local will do.
    const server = await startOpenMeterLocal({});
    try {
      const result = await startAppProcess({
        appDirectory,
        args: ['one question'],
        env: cleanAppEnvironment({
          LLM_METER_DATA_DIR: mkdtempSync(join(tmpdir(), 'blocking-')),
          OPENAI_BASE_URL: server.url,
        }),
      }).done;
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^error: OpenAI answered 404 .* OPENAI_BASE_URL usually ends in \/v1 \(e\.g\. http:\/\/127\.0\.0\.1:\d+\/v1\)\.\n$/,
      );
    } finally {
      await server.close();
    }
  });

  test('a missing OPENMETER_API_KEY is reported as missing, not as refused', async () => {
    const server = await startOpenMeterLocal({ apiKey: 'the-right-key', meters: usageEventMeters });
    try {
      const result = await startAppProcess({
        appDirectory,
        env: cleanAppEnvironment({
          LLM_METER_DATA_DIR: mkdtempSync(join(tmpdir(), 'blocking-')),
          OPENMETER_URL: server.url,
        }),
      }).done;
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `error: OpenMeter at ${server.url} requires an API key (401): set OPENMETER_API_KEY.\n`,
      );
    } finally {
      await server.close();
    }
  });

  test('missing meters fail clearly, naming them all at once', async () => {
    const server = await startOpenMeterLocal({
      meters: usageEventMeters.filter(
        (meter) => meter.slug !== 'llm_cached_tokens' && meter.slug !== 'llm_prompt_tokens',
      ),
    });
    try {
      const { done } = startAppProcess({
        appDirectory,
        env: cleanAppEnvironment({
          LLM_METER_DATA_DIR: mkdtempSync(join(tmpdir(), 'blocking-')),
          OPENMETER_URL: server.url,
        }),
      });
      const result = await done;
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('has no meter "llm_prompt_tokens", "llm_cached_tokens":');
    } finally {
      await server.close();
    }
  });

  test('an event type the meters do not count fails clearly instead of metering nothing', async () => {
    const { done } = startAppProcess({
      appDirectory,
      env: cleanAppEnvironment({
        LLM_METER_DATA_DIR: mkdtempSync(join(tmpdir(), 'blocking-')),
        LLM_METER_EVENT_TYPE: 'tokens',
      }),
    });
    const result = await done;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'counts events of type "openai", but the app sends type "tokens": set LLM_METER_EVENT_TYPE=openai or change the meter.',
    );
  });

  test('LLM_METER_EVENT_IDS=generated gives every event its own UUID, for servers whose ids repeat', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'blocking-'));
    const result = await startAppProcess({
      appDirectory,
      args: ['one', 'two', 'three'],
      env: cleanAppEnvironment({
        LLM_METER_DATA_DIR: dataDir,
        LLM_METER_EVENT_IDS: 'generated',
        OPENAI_LOCAL_TOKENS_PER_SECOND: '0',
      }),
    }).done;
    expect(result.code).toBe(0);
    const usage = parsePrintedUsage(result.stdout);
    // Three OpenAI calls, one Claude and one Gemini call.
    expect(usage).toHaveLength(5);
    for (const line of usage)
      expect(line.id).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    const totals = await readMeterTotals(join(dataDir, 'openmeter-local.db'));
    expect(totals.total).toBe(usage.reduce((total, line) => total + line.total, 0));
  });
});
