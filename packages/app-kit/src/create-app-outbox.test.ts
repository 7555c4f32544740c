import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOpenMeterClient } from '@llm-meter/openmeter-client';
import { type OpenMeterLocal, startOpenMeterLocal } from '@llm-meter/openmeter-local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppConfigError } from './app-config-error.js';
import { createAppOutbox } from './create-app-outbox.js';
import { loadAppConfig } from './load-app-config.js';

let openmeter: OpenMeterLocal;
let root: string;
beforeAll(async () => {
  openmeter = await startOpenMeterLocal();
  root = mkdtempSync(join(tmpdir(), 'app-kit-outbox-'));
});
afterAll(async () => {
  await openmeter?.close();
  rmSync(root, { recursive: true, force: true });
});

const logger = { warn: () => {}, error: () => {} };

function configWith(env: Record<string, string>) {
  return loadAppConfig({
    app: 'test',
    defaults: { models: ['gpt-4o-mini'], subjects: ['customer-1'] },
    env,
    cwd: root,
  });
}

describe('createAppOutbox', () => {
  it('names LLM_METER_OUTBOX_DIR when the outbox directory cannot be created', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, '');
    const config = configWith({ LLM_METER_OUTBOX_DIR: join(file, 'box') });
    const client = createOpenMeterClient({ baseUrl: openmeter.url, retry: false });
    const error = await createAppOutbox({ config, client, logger }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AppConfigError);
    expect((error as Error).message).toBe(
      `cannot open the outbox journal ${file}/box (ENOTDIR: not a directory, mkdir '${file}/box'): set LLM_METER_OUTBOX_DIR (now "${file}/box") to a writable directory.`,
    );
  });

  it('names LLM_METER_OUTBOX_DIR when another outbox holds the directory', async () => {
    const config = configWith({ LLM_METER_DATA_DIR: join(root, 'data') });
    const client = createOpenMeterClient({ baseUrl: openmeter.url, retry: false });
    const first = await createAppOutbox({ config, client, logger });
    try {
      const error = await createAppOutbox({ config, client, logger }).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(AppConfigError);
      expect((error as Error).message).toBe(
        `the outbox journal ${root}/data/outbox-test is in use by process ${process.pid} (another run of this app?): stop it, or set LLM_METER_OUTBOX_DIR to another directory.`,
      );
    } finally {
      await first.close();
    }
  });
});
