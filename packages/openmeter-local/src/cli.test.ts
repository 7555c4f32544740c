import { type ChildProcess, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMeterMeters } from '@llm-meter/meter-core';
import { createOpenMeterClient } from '@llm-meter/openmeter-client';
import { afterAll, describe, expect, it } from 'vitest';
import { startOpenMeterLocal } from './start-open-meter-local.js';
import { createPromptEvent, TEST_METERS_FILE } from './test-server.js';

const directory = mkdtempSync(join(tmpdir(), 'openmeter-local-cli-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function runCli(
  args: string[],
  env: Record<string, string> = {},
): {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
  /** Resolves with the first match in the output, when it arrives; rejects if the command ends first. */
  waitForOutput: (pattern: RegExp) => Promise<RegExpExecArray>;
} {
  const child = spawn(
    process.execPath,
    ['--conditions=@llm-meter/source', '--import', 'tsx', 'src/cli.ts', ...args],
    {
      cwd: new URL('..', import.meta.url),
      // Typed in the temporary directory, so no default database lands in the repository.
      env: {
        ...process.env,
        INIT_CWD: directory,
        LLM_METER_DATA_DIR: '',
        OPENMETER_LOCAL_DB: '',
        OPENMETER_LOCAL_METERS: '',
        OPENMETER_LOCAL_API_KEY: '',
        ...env,
      },
    },
  );
  let output = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  // 'close', not 'exit': output may still be in the pipes when the process exits.
  const exit = new Promise<number | null>((resolve) =>
    child.once('close', (code) => resolve(code)),
  );
  // No deadline: the command is waited for however slow the machine (Vitest's timeout guards a
  // hang), and a command that ends without the line fails at once, saying what it printed.
  const waitForOutput = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(output);
        if (!match) return;
        listeners.delete(check);
        resolve(match);
      };
      listeners.add(check);
      check();
      void exit.then((code) => {
        if (!listeners.delete(check)) return;
        reject(
          new Error(`openmeter-local exited (${code}) without printing ${pattern}: ${output}`),
        );
      });
    });
  return { child, output: () => output, exit, waitForOutput };
}

describe('openmeter-local command', () => {
  it('prints the URL, logs requests at debug level without the key, and closes the database on SIGTERM', async () => {
    const dbPath = join(directory, 'cli.db');
    const cli = runCli([
      '--port',
      '0',
      '--db',
      dbPath,
      '--meters',
      TEST_METERS_FILE,
      '--api-key',
      'cli-secret',
      '--log-level',
      'debug',
    ]);
    const [, url] = await cli.waitForOutput(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    const client = createOpenMeterClient({
      baseUrl: url as string,
      apiKey: 'cli-secret',
      retry: false,
    });
    await client.events.ingest(createPromptEvent({ id: 'cli-1' }));
    expect((await client.meters.query('tokens_total', {})).data[0]?.value).toBe(10);
    await cli.waitForOutput(/debug POST \/api\/v1\/events 204/);
    cli.child.kill('SIGTERM');
    expect(await cli.exit).toBe(0);
    expect(cli.output()).not.toContain('cli-secret');
    // A clean close checkpoints the WAL into the database file and removes it.
    expect(existsSync(`${dbPath}-wal`)).toBe(false);
  });

  it('keeps meters a later --meters file does not define, and deletes them with --prune-meters', async () => {
    const dbPath = join(directory, 'prune.db');
    const onlyTokens = join(directory, 'only-tokens.yaml');
    // The test meters file without its last meter, requests_total.
    const testMeters = readFileSync(TEST_METERS_FILE, 'utf8');
    writeFileSync(onlyTokens, testMeters.slice(0, testMeters.indexOf('  - slug: requests_total')));
    const run = async (args: string[]) => {
      const cli = runCli(['--port', '0', '--db', dbPath, ...args]);
      const [, url] = await cli.waitForOutput(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      const client = createOpenMeterClient({ baseUrl: url as string, retry: false });
      const meters = await client.meters.list({ includeDeleted: true });
      cli.child.kill('SIGTERM');
      expect(await cli.exit).toBe(0);
      return { output: cli.output(), meters };
    };
    const slugs = (meters: Array<{ slug: string; deletedAt?: string | undefined }>) =>
      meters.map((meter) => `${meter.slug}${meter.deletedAt ? ' (deleted)' : ''}`);
    expect(slugs((await run(['--meters', TEST_METERS_FILE])).meters)).toEqual([
      'requests_total',
      'tokens_total',
    ]);
    const kept = await run(['--meters', onlyTokens]);
    expect(slugs(kept.meters)).toEqual(['requests_total', 'tokens_total']);
    expect(kept.output).toMatch(/kept 1 meters .*--prune-meters.*: requests_total\n/);
    const pruned = await run(['--meters', onlyTokens, '--prune-meters']);
    expect(slugs(pruned.meters)).toEqual(['requests_total (deleted)', 'tokens_total']);
    expect(pruned.output).toMatch(/deleted 1 meters .*: requests_total\n/);
  });

  it("starts on the apps' database in .llm-meter/ where it was typed, with the apps' meters", async () => {
    const typedIn = join(directory, 'project');
    mkdirSync(typedIn);
    const cli = runCli(['--port', '0'], { INIT_CWD: typedIn });
    const [, url] = await cli.waitForOutput(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    const client = createOpenMeterClient({ baseUrl: url as string, retry: false });
    const meters = await client.meters.list();
    cli.child.kill('SIGTERM');
    expect(await cli.exit).toBe(0);
    expect(meters.map((meter) => meter.slug).sort()).toEqual(
      openMeterMeters.map((meter) => meter.slug).sort(),
    );
    expect(existsSync(join(typedIn, '.llm-meter', 'openmeter-local.db'))).toBe(true);
    expect(readdirSync(typedIn)).toEqual(['.llm-meter']);
    expect(cli.output()).toContain(`(db ${join(typedIn, '.llm-meter', 'openmeter-local.db')},`);
  });

  it('exits 1 with a clear message when the port is in use', async () => {
    const busy = await startOpenMeterLocal({ meters: [] });
    try {
      const cli = runCli(['--port', String(busy.port), '--db', ':memory:']);
      expect(await cli.exit).toBe(1);
      expect(cli.output()).toContain(`Port ${busy.port} on 127.0.0.1 is already in use`);
    } finally {
      await busy.close();
    }
  });

  it('exits 2 with one line for a bad flag', async () => {
    const cli = runCli(['--prot', '8080']);
    expect(await cli.exit).toBe(2);
    expect(cli.output()).toBe(
      "openmeter-local: Unknown option '--prot' (see openmeter-local --help)\n",
    );
  });

  it('exits 1 with one line when the database or the meters file cannot be used', async () => {
    const missingFolder = runCli(['--port', '0', '--db', join(directory, 'no', 'such', 'x.db')]);
    expect(await missingFolder.exit).toBe(1);
    expect(missingFolder.output()).toMatch(
      /^openmeter-local: Cannot open the database .*x\.db: .*; check --db \/ dbPath .*\n$/,
    );
    const badYaml = join(directory, 'bad.yaml');
    writeFileSync(badYaml, 'meters:\n  - slug: a\n   eventType: [\n');
    const invalid = runCli(['--port', '0', '--db', ':memory:', '--meters', badYaml]);
    expect(await invalid.exit).toBe(1);
    expect(invalid.output()).toMatch(/^openmeter-local: .*bad\.yaml is not valid YAML: [^\n]*\n$/);
  });

  it('prints usage for --help and exits 0 without starting', async () => {
    const cli = runCli(['--help', '--port', '1']);
    expect(await cli.exit).toBe(0);
    expect(cli.output()).toMatch(/^Usage: openmeter-local \[options\]/);
    expect(cli.output()).toContain('default <data dir>/openmeter-local.db');
    expect(cli.output()).toContain('The data directory is LLM_METER_DATA_DIR (default .llm-meter)');
    expect(cli.output()).toMatch(/--prune-meters +delete the meters/);
    expect(cli.output()).not.toContain('listening');
  });
});
