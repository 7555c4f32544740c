import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppConfigError } from './app-config-error.js';
import { loadAppConfig } from './load-app-config.js';
import { startServices } from './start-services.js';

// A read-only directory cannot be made as root (root writes anyway), so each case puts the path
// where no directory can be: under a regular file (ENOTDIR), on a regular file (EEXIST), or a
// directory where a file must be (EISDIR). Every one goes through the same mkdir/open paths.
const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function createRoot(): { root: string; file: string } {
  const root = mkdtempSync(join(tmpdir(), 'app-kit-data-'));
  roots.push(root);
  const file = join(root, 'a-file');
  writeFileSync(file, 'not a directory\n');
  return { root, file };
}

async function startWith({ env, cwd }: { env: Record<string, string>; cwd: string }) {
  const config = loadAppConfig({
    app: 'test',
    defaults: { models: ['gpt-4o-mini'], subjects: ['customer-1'] },
    env,
    cwd,
  });
  const services = await startServices({ config, announce: () => {} });
  await services.close();
}

describe('startServices with data paths it cannot use', () => {
  it.each([
    {
      name: 'LLM_METER_DATA_DIR under a regular file',
      given: ({ file }: { root: string; file: string }) => ({
        env: { LLM_METER_DATA_DIR: join(file, 'data') },
      }),
      want: ({ file }: { root: string; file: string }) =>
        `cannot create the outbox journal ${file}/data/outbox-test (ENOTDIR: not a directory, mkdir '${file}/data/outbox-test'): set LLM_METER_DATA_DIR (now "${file}/data") to a writable directory, or LLM_METER_OUTBOX_DIR for the outbox journal alone.`,
    },
    {
      name: 'the default data directory where the command was typed, under a regular file',
      given: () => ({ env: {}, cwdIsFile: true }),
      want: ({ file }: { root: string; file: string }) =>
        `cannot create the outbox journal ${file}/.llm-meter/outbox-test (ENOTDIR: not a directory, mkdir '${file}/.llm-meter/outbox-test'): set LLM_METER_DATA_DIR (unset: .llm-meter where the command was typed) to a writable directory, or LLM_METER_OUTBOX_DIR for the outbox journal alone.`,
    },
    {
      name: 'LLM_METER_OUTBOX_DIR under a regular file',
      given: ({ root, file }: { root: string; file: string }) => ({
        env: { LLM_METER_DATA_DIR: join(root, 'data'), LLM_METER_OUTBOX_DIR: join(file, 'box') },
      }),
      want: ({ file }: { root: string; file: string }) =>
        `cannot create the outbox journal ${file}/box (ENOTDIR: not a directory, mkdir '${file}/box'): set LLM_METER_OUTBOX_DIR (now "${file}/box") to a writable directory.`,
    },
    {
      name: "openai-local's data directory on a regular file",
      given: ({ root }: { root: string; file: string }) => {
        writeFileSync(join(root, 'openai-local'), '');
        return { env: { LLM_METER_DATA_DIR: root } };
      },
      want: ({ root }: { root: string; file: string }) =>
        `cannot create openai-local's usage ledger ${root}/openai-local (EEXIST: file already exists, mkdir '${root}/openai-local'): set LLM_METER_DATA_DIR (now "${root}") to a writable directory.`,
    },
    {
      name: "openai-local's ledger file a directory",
      given: ({ root }: { root: string; file: string }) => {
        mkdirSync(join(root, 'openai-local', 'openai-local-usage.jsonl'), { recursive: true });
        return { env: { LLM_METER_DATA_DIR: root } };
      },
      want: ({ root }: { root: string; file: string }) =>
        new RegExp(
          `^cannot open openai-local's usage ledger ${root}/openai-local/openai-local-usage\\.jsonl \\(EISDIR: illegal operation on a directory, .*\\): set LLM_METER_DATA_DIR \\(now "${root}"\\) to a writable directory\\.$`,
        ),
    },
    {
      name: 'OPENMETER_LOCAL_DB under a regular file',
      given: ({ root, file }: { root: string; file: string }) => ({
        env: { LLM_METER_DATA_DIR: root, OPENMETER_LOCAL_DB: join(file, 'om.db') },
      }),
      want: ({ file }: { root: string; file: string }) =>
        `cannot create the folder of openmeter-local's database ${file}/om.db (EEXIST: file already exists, mkdir '${file}'): set OPENMETER_LOCAL_DB (now "${file}/om.db") to a SQLite file in a writable directory.`,
    },
    {
      name: 'OPENMETER_LOCAL_DB not a SQLite file',
      given: ({ root, file }: { root: string; file: string }) => ({
        env: { LLM_METER_DATA_DIR: root, OPENMETER_LOCAL_DB: file },
      }),
      want: ({ file }: { root: string; file: string }) =>
        `cannot open openmeter-local's database ${file} (file is not a database): set OPENMETER_LOCAL_DB (now "${file}") to a SQLite file in a writable directory.`,
    },
    {
      name: "openmeter-local's default database a directory",
      given: ({ root }: { root: string; file: string }) => {
        mkdirSync(join(root, 'openmeter-local.db'));
        return { env: { LLM_METER_DATA_DIR: root } };
      },
      want: ({ root }: { root: string; file: string }) =>
        `cannot open openmeter-local's database ${root}/openmeter-local.db (unable to open database file): set LLM_METER_DATA_DIR (now "${root}") to a writable directory, or OPENMETER_LOCAL_DB for openmeter-local's database alone.`,
    },
  ])(
    '$name: one AppConfigError naming the path and the variable to set',
    async ({ given, want }) => {
      const paths = createRoot();
      const { env, cwdIsFile } = given(paths) as { env: Record<string, string>; cwdIsFile?: true };
      const error = await startWith({ env, cwd: cwdIsFile ? paths.file : paths.root }).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(AppConfigError);
      const expected = want(paths);
      if (typeof expected === 'string') expect((error as Error).message).toBe(expected);
      else expect((error as Error).message).toMatch(expected);
    },
  );
});

describe('startServices with OpenMeter down', () => {
  it("with openmeterUnreachable 'warn', starts and says so in one line naming the journal", async () => {
    const { root } = createRoot();
    const config = loadAppConfig({
      app: 'test',
      defaults: { models: ['gpt-4o-mini'], subjects: ['customer-1'] },
      // Port 1: nothing listens there. OpenAI is not called at start.
      env: {
        LLM_METER_DATA_DIR: join(root, 'data'),
        OPENMETER_URL: 'http://127.0.0.1:1',
        OPENAI_BASE_URL: 'http://127.0.0.1:1/v1',
      },
      cwd: root,
    });
    const announced: string[] = [];
    const warned: string[] = [];
    const services = await startServices({
      config,
      announce: (line) => announced.push(line),
      openmeterUnreachable: 'warn',
      warn: (line) => warned.push(line),
      // As the proxy: OpenAI only, so no simulator starts for Anthropic and Gemini.
      providers: ['openai'],
    });
    await services.close();
    expect(announced).toEqual([]);
    expect(warned).toEqual([
      expect.stringMatching(
        /^OpenMeter at http:\/\/127\.0\.0\.1:1 cannot be reached \(.+\): starting anyway\. Usage events are journaled in .+\/data\/outbox-test and delivered once it answers/,
      ),
    ]);
  });
});

describe('startServices on v3: token-type events only where the cost check is wanted', () => {
  it.each([
    { name: 'the proxy (costCheck off by default)', costCheck: undefined, env: {}, sent: 1 },
    { name: 'the main job (costCheck: true)', costCheck: true, env: {}, sent: 4 },
    {
      name: 'LLM_METER_COST_CHECK=off over the main job',
      costCheck: true,
      env: { LLM_METER_COST_CHECK: 'off' },
      sent: 1,
    },
    {
      name: 'LLM_METER_COST_CHECK=on over the proxy',
      costCheck: undefined,
      env: { LLM_METER_COST_CHECK: 'on' },
      sent: 4,
    },
  ])('$name: $sent event(s) stored per usage event', async ({ costCheck, env, sent }) => {
    const { root } = createRoot();
    const config = loadAppConfig({
      app: 'test',
      defaults: { models: ['gpt-4o-mini'], subjects: ['customer-1'] },
      // The embedded openmeter-local on v3; OpenAI is not called.
      env: {
        LLM_METER_DATA_DIR: join(root, 'data'),
        OPENMETER_API_VERSION: 'v3',
        OPENAI_BASE_URL: 'http://127.0.0.1:1/v1',
        ...env,
      },
      cwd: root,
    });
    const services = await startServices({
      config,
      announce: () => {},
      providers: ['openai'],
      costCheck,
    });
    try {
      await services.openmeterIngest.events.ingest(
        [
          {
            specversion: '1.0',
            id: 'chatcmpl-1',
            source: 'llm-meter',
            type: 'openai',
            subject: 'customer-1',
            time: '2026-12-07T10:00:00Z',
            data: {
              provider: 'openai',
              model: 'gpt-4o-mini-2024-07-18',
              service_tier: 'default',
              usage_source: 'provider',
              prompt_tokens: 100,
              cached_tokens: 50,
              completion_tokens: 10,
              total_tokens: 110,
            },
          },
        ],
        { retry: false },
      );
      const client = services.v3?.client;
      if (!client) throw new Error('not on v3');
      const stored = (await client.events.list()).data.map(({ event }) => event.id);
      expect(stored).toHaveLength(sent);
      expect(services.v3?.costFeature.status).toBe(sent > 1 ? 'found' : 'missing');
    } finally {
      await services.close();
    }
  });
});
