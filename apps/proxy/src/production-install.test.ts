import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { openMeterMeters } from '@llm-meter/meter-core';
import { type OpenAILocalServer, startOpenAILocal } from '@llm-meter/openai-local';
import { type OpenMeterLocal, startOpenMeterLocal } from '@llm-meter/openmeter-local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A production install of the proxy (`pnpm deploy --prod`) carries neither simulator nor the
// native SQLite addon: they are development defaults, loaded only when nothing is configured.
const repository = fileURLToPath(new URL('../../..', import.meta.url));
let dir: string;
let deployed: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'proxy-deploy-'));
  deployed = join(dir, 'proxy');
  await promisify(execFile)(
    'pnpm',
    ['--filter', 'proxy', 'deploy', '--prod', '--offline', deployed],
    {
      cwd: repository,
    },
  );
}, 600_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs the deployed proxy's built entry point with `env`, until it prints `until` or exits. */
function run(env: Record<string, string>, until: RegExp) {
  const child: ChildProcess = spawn(process.execPath, ['dist/main.js'], {
    cwd: deployed,
    env: {
      PATH: process.env.PATH ?? '',
      LLM_METER_DOTENV: '0',
      LLM_METER_DATA_DIR: join(dir, 'data'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise<{ output: string; code: number | null; child: ChildProcess }>((resolve) => {
    const onData = (data: Buffer) => {
      output += data;
      if (until.test(output)) resolve({ output, code: null, child });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('close', (code) => resolve({ output, code, child }));
  });
}

describe('a production install of the proxy', () => {
  it('has neither simulator nor better-sqlite3', () => {
    const installed = readdirSync(join(deployed, 'node_modules', '.pnpm'));
    expect(
      installed.filter((name) => /better-sqlite3|openai-local|openmeter-local/.test(name)),
    ).toEqual([]);
    expect(existsSync(join(deployed, 'node_modules', '@llm-meter', 'meter-outbox'))).toBe(true);
  });

  it('counts tokens with the rank files its meter-core ships (generated at build, not in git)', async () => {
    // meter-core's bundled entry, resolved from the deployed proxy as the proxy resolves it.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { getTokenizer } = await import('@llm-meter/meter-core');
console.log(['o200k_base', 'cl100k_base', 'p50k_base', 'r50k_base'].map((encoding) => getTokenizer(encoding).count('Hello,    world!')).join());`,
      ],
      { cwd: deployed },
    );
    // r50k_base has no tokens for runs of spaces, p50k_base does.
    expect(stdout.trim()).toBe('5,5,5,7');
  });

  it('says which setting to give instead of an embedded default it does not have', async () => {
    const { output, code } = await run({}, /$^/);
    expect(code).toBe(1);
    expect(output).toContain(
      'OPENAI_API_KEY or OPENAI_BASE_URL is not set, and the embedded default needs @llm-meter/openai-local',
    );
  });

  describe('configured with an upstream and an OpenMeter', () => {
    let openai: OpenAILocalServer;
    let openmeter: OpenMeterLocal;
    beforeAll(async () => {
      openai = await startOpenAILocal({ tokensPerSecond: 0 });
      openmeter = await startOpenMeterLocal({ meters: [...openMeterMeters] });
    });
    afterAll(async () => {
      await openmeter?.close();
      await openai?.close();
    });

    it('starts and meters a call', async () => {
      const { output, child } = await run(
        { OPENAI_BASE_URL: openai.url, OPENMETER_URL: openmeter.url, LLM_METER_PROXY_PORT: '0' },
        /listening on (http:\/\/\S+\/v1)/,
      );
      const url = /listening on (http:\/\/\S+\/v1)/.exec(output)?.[1];
      expect(url).toBeDefined();
      const answer = await fetch(`${url}/chat/completions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: 'Bearer sk-caller',
          'openmeter-subject': 'customer-deployed',
        },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] }),
      });
      expect(answer.status).toBe(200);
      const closed = new Promise((resolve) => child.once('close', resolve));
      child.kill('SIGTERM');
      expect(await closed).toBe(0);
      const events = await fetch(`${openmeter.url}/api/v1/events?subject=customer-deployed`);
      expect(((await events.json()) as unknown[]).length).toBe(1);
    });
  });
});
