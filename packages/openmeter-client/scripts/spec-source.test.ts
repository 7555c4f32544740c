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
  pinnedSpecV3,
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
    const spec = await loadSpec({ location: pinnedSpec.sharedCopy });
    expect(spec.sha256).toBe(pinnedSpec.sha256);
    expect(checkSpecChecksum({ spec, allowUnpinned: false })).toEqual({ pinned: true });
  });

  test('accepts the shared copy of the pinned v3 spec, and refuses the v1 spec in its place', async () => {
    const spec = await loadSpec({ location: pinnedSpecV3.sharedCopy });
    expect(spec.sha256).toBe(pinnedSpecV3.sha256);
    expect(checkSpecChecksum({ spec, allowUnpinned: false, pinned: pinnedSpecV3 })).toEqual({
      pinned: true,
    });
    const v1 = await loadSpec({ location: pinnedSpec.sharedCopy });
    expect(() =>
      checkSpecChecksum({ spec: v1, allowUnpinned: false, pinned: pinnedSpecV3 }),
    ).toThrow(/OpenMeter v3 spec .* api\/v3\/openapi.yaml/);
  });

  test('refuses a tampered spec unless unpinned specs are allowed', async () => {
    const spec = await loadSpec({ location: pinnedSpec.sharedCopy });
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
    await expect(loadSpec({ location: '/nonexistent/openapi.yaml' })).rejects.toThrow(
      /OPENMETER_OPENAPI_SPEC/,
    );
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

  test('refuses a tampered v3 spec with a non-zero exit, naming its variable, and writes nothing', () => {
    const directory = mkdtempSync(join(tmpdir(), 'typegen-'));
    const tampered = join(directory, 'openapi.v3.yaml');
    writeFileSync(tampered, `${readFileSync(pinnedSpecV3.sharedCopy, 'utf8')}\n`);
    const packageRoot = fileURLToPath(new URL('..', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/typegen.ts'], {
      cwd: packageRoot,
      env: {
        ...process.env,
        OPENMETER_OPENAPI_SPEC: '',
        OPENMETER_OPENAPI_V3_SPEC: tampered,
        OPENMETER_OPENAPI_ALLOW_UNPINNED: '',
      },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('OpenMeter v3 spec');
    expect(run.stdout).not.toContain('wrote');
  });
});
