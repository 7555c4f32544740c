import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { toUsageEvent, usageEventMeters } from '@llm-meter/meter-core';
import { startOpenAILocal } from '@llm-meter/openai-local';
import { createOpenMeterClient, type MeterCreate } from '@llm-meter/openmeter-client';
import { startOpenMeterLocal } from '@llm-meter/openmeter-local';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `pnpm reconcile`, the README's command, run from the repository root as a user types it: its
// exit status must be the command's own (0 no drift, 1 drift, 2 cannot run), which a filtered
// `pnpm --filter … reconcile` turned into 1 every time, with pnpm's failure block after it.
const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
const day = '2026-12-03';
const adminKey = 'sk-admin-reconcile-command-test';

let openaiLocal: Awaited<ReturnType<typeof startOpenAILocal>>;
let openmeterLocal: Awaited<ReturnType<typeof startOpenMeterLocal>>;

beforeAll(async () => {
  const options = { adminKey, now: () => new Date(`${day}T09:00:00.000Z`) };
  openaiLocal = await startOpenAILocal(options);
  openmeterLocal = await startOpenMeterLocal({
    meters: usageEventMeters.map((meter) => ({ ...meter })) as MeterCreate[],
  });
  // Two calls billed by openai-local, one of them metered: the reconciliation shows drift.
  const openai = new OpenAI({ baseURL: openaiLocal.url, apiKey: 'sk-test', maxRetries: 0 });
  const openmeter = createOpenMeterClient({ baseUrl: openmeterLocal.url, retry: false });
  const request = {
    model: 'gpt-4o-mini',
    messages: [{ role: 'user' as const, content: 'Name a prime number.' }],
  };
  const metered = await openai.chat.completions.create(request);
  await openmeter.events.ingest(toUsageEvent(metered, { subject: 'customer-acme', request }));
  await openai.chat.completions.create(request);
  // One Claude message, not metered: Anthropic's table shows it.
  const claude = await fetch(`${openaiLocal.url}/messages`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-api-key': 'sk-ant-test',
      'anthropic-version': '2023-06-01',
    },
    body: JSON.stringify({
      model: 'claude-haiku-4-5',
      max_tokens: 20,
      messages: [{ role: 'user', content: 'Name a prime number.' }],
    }),
  });
  expect(claude.status).toBe(200);
});

afterAll(async () => {
  await openaiLocal?.close();
  await openmeterLocal?.close();
});

/** pnpm as the test runner found it (npm_execpath when run through pnpm), else from PATH. */
function pnpmCommand(): [string, string[]] {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm/.test(execPath)) {
    return /\.[cm]?js$/.test(execPath) ? [process.execPath, [execPath]] : [execPath, []];
  }
  return ['pnpm', []];
}

function runPnpmReconcile({
  args,
  env,
}: {
  args: string[];
  env: Record<string, string>;
}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const [command, prefix] = pnpmCommand();
  const baseEnv: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(OPENAI_|ANTHROPIC_|OPENMETER_|LLM_METER_)/.test(name)) baseEnv[name] = value;
  }
  const child = spawn(command, [...prefix, 'reconcile', ...args], {
    cwd: repositoryRoot,
    env: { ...baseEnv, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('pnpm reconcile from the repository root', () => {
  it('exits 2 when it cannot run, with its one line and no pnpm failure block', async () => {
    const result = await runPnpmReconcile({ args: ['--from', day, '--to', day], env: {} });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    // pnpm 12 always adds its one ELIFECYCLE line; nothing else follows the command's error.
    // One line per provider, each naming what to set (Gemini: that it has no usage API).
    expect(result.stderr).toMatch(
      /\nOPENAI_ADMIN_KEY is not set: the organisation Usage and Costs APIs need an admin key [^\n]*\nANTHROPIC_ADMIN_KEY is not set: [^\n]*\nGoogle publishes no usage or cost report API for Gemini[^\n]*\n\[ELIFECYCLE\] Command failed with exit code 2\.\n$/,
    );
    expect(result.stderr).not.toContain('ERR_PNPM');
  });

  it('exits 1 on drift past the threshold and 0 within it, keeping --json on stdout', async () => {
    const env = {
      OPENAI_ADMIN_KEY: adminKey,
      OPENAI_BASE_URL: openaiLocal.url,
      OPENMETER_URL: openmeterLocal.url,
    };
    const drift = await runPnpmReconcile({
      args: ['--from', day, '--to', day, '--threshold', '0', '--json'],
      env,
    });
    expect(drift.code).toBe(1);
    const output = JSON.parse(drift.stdout) as {
      reports: Array<{ provider: string; pastThreshold: number }>;
      notReconciled: Array<{ provider: string }>;
    };
    expect(output.reports.map((report) => report.provider)).toEqual(['openai']);
    expect(output.reports[0]?.pastThreshold).toBeGreaterThan(0);
    expect(output.notReconciled.map((entry) => entry.provider)).toEqual(['anthropic', 'google']);
    expect(drift.stderr).not.toContain('ERR_PNPM');

    const within = await runPnpmReconcile({
      args: ['--from', day, '--to', day, '--threshold', '100000'],
      env,
    });
    expect(within.code).toBe(0);
    expect(within.stdout).toMatch(/^day +model +tier +metric +metered +openai +difference/m);
  });

  it('reads the same meters through the v3 API with OPENMETER_API_VERSION=v3: the same report', async () => {
    const env = {
      OPENAI_ADMIN_KEY: adminKey,
      OPENAI_BASE_URL: openaiLocal.url,
      OPENMETER_URL: openmeterLocal.url,
    };
    const args = ['--from', day, '--to', day, '--threshold', '0', '--json'];
    const [v1, v3] = await Promise.all([
      runPnpmReconcile({ args, env }),
      runPnpmReconcile({ args, env: { ...env, OPENMETER_API_VERSION: 'v3' } }),
    ]);
    expect(v3.code).toBe(1);
    expect(JSON.parse(v3.stdout)).toEqual(JSON.parse(v1.stdout));
    expect(JSON.parse(v3.stdout).reports[0].rows.length).toBeGreaterThan(0);
  });

  it('shows Anthropic beside OpenAI, and says Gemini has no usage API', async () => {
    const result = await runPnpmReconcile({
      args: ['--from', day, '--to', day, '--threshold', '100000'],
      env: {
        OPENAI_ADMIN_KEY: adminKey,
        OPENAI_BASE_URL: openaiLocal.url,
        ANTHROPIC_ADMIN_KEY: adminKey,
        ANTHROPIC_BASE_URL: openaiLocal.url.replace(/\/v1$/, ''),
        OPENMETER_URL: openmeterLocal.url,
      },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("against OpenAI's usage and cost reports");
    expect(result.stdout).toContain("against Anthropic's usage and cost reports");
    expect(result.stdout).toMatch(/^day +model +tier +metric +metered +anthropic +difference/m);
    expect(result.stdout).toMatch(
      /Not reconciled:\n {2}Google \(Gemini\): Google publishes no usage or cost report API/,
    );
  });
});
