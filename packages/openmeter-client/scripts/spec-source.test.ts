import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import {
  checkSpecChecksum,
  loadSpec,
  pinnedSpec,
  resolveSpecLocation,
  SpecChecksumError,
} from './spec-source.js';

describe('resolveSpecLocation', () => {
  test.each([
    { override: '/tmp/spec.yaml', sharedCopyExists: true, want: '/tmp/spec.yaml' },
    {
      override: 'https://example.test/spec.yaml',
      sharedCopyExists: false,
      want: 'https://example.test/spec.yaml',
    },
    { override: undefined, sharedCopyExists: true, want: pinnedSpec.sharedCopy },
    { override: '  ', sharedCopyExists: true, want: pinnedSpec.sharedCopy },
    { override: undefined, sharedCopyExists: false, want: pinnedSpec.url },
  ])(
    'override $override, shared copy $sharedCopyExists',
    ({ override, sharedCopyExists, want }) => {
      expect(resolveSpecLocation({ override, sharedCopyExists })).toBe(want);
    },
  );
});

describe('checkSpecChecksum', () => {
  test('accepts the shared copy of the pinned spec', async () => {
    const spec = await loadSpec(pinnedSpec.sharedCopy);
    expect(spec.sha256).toBe(pinnedSpec.sha256);
    expect(checkSpecChecksum({ spec, allowUnpinned: false })).toEqual({ pinned: true });
  });

  test('refuses a tampered spec unless unpinned specs are allowed', async () => {
    const spec = await loadSpec(pinnedSpec.sharedCopy);
    const tampered = { ...spec, text: `${spec.text}\n`, sha256: 'f'.repeat(64) };
    expect(() => checkSpecChecksum({ spec: tampered, allowUnpinned: false })).toThrow(
      SpecChecksumError,
    );
    expect(() => checkSpecChecksum({ spec: tampered, allowUnpinned: false })).toThrow(
      /OPENMETER_OPENAPI_ALLOW_UNPINNED=1/,
    );
    expect(checkSpecChecksum({ spec: tampered, allowUnpinned: true })).toEqual({ pinned: false });
  });

  test('a missing file is a clear error', async () => {
    await expect(loadSpec('/nonexistent/openapi.yaml')).rejects.toThrow(/OPENMETER_OPENAPI_SPEC/);
  });
});

describe('pnpm typegen', () => {
  test('refuses a tampered spec with a non-zero exit and writes nothing', () => {
    const directory = mkdtempSync(join(tmpdir(), 'typegen-'));
    const tampered = join(directory, 'openapi.cloud.yaml');
    writeFileSync(
      tampered,
      readFileSync(pinnedSpec.sharedCopy, 'utf8').replace('Ingest events', 'Ingest evil'),
    );
    const packageRoot = fileURLToPath(new URL('..', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/typegen.ts'], {
      cwd: packageRoot,
      env: {
        ...process.env,
        OPENMETER_OPENAPI_SPEC: tampered,
        OPENMETER_OPENAPI_ALLOW_UNPINNED: '',
      },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('is pinned');
    expect(run.stdout).not.toContain('wrote');
  });
});
