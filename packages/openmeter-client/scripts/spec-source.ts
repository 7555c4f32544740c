import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The OpenMeter spec this client is generated from: openmeterio/openmeter, api/openapi.cloud.yaml. */
export const pinnedSpec = {
  commit: '7e57a394a0283fb210a644685ad1d257f6d5c85c',
  sha256: '4e7136c4c700a862974aa67585c0d9808d61323d7031ddfeec5ee7bbceb1e326',
  url: 'https://raw.githubusercontent.com/openmeterio/openmeter/7e57a394a0283fb210a644685ad1d257f6d5c85c/api/openapi.cloud.yaml',
  /** Where development and CI machines keep a copy: `../shared/openmeter/` beside the repository. */
  sharedCopy: fileURLToPath(
    new URL('../../../../shared/openmeter/openapi.cloud.yaml', import.meta.url),
  ),
} as const;

/** Where the spec text came from and what it is. */
export interface LoadedSpec {
  origin: string;
  text: string;
  sha256: string;
}

/** The spec's sha256 did not match the pinned one. */
export class SpecChecksumError extends Error {
  override name = 'SpecChecksumError' as const;
}

/**
 * Picks the spec location: `OPENMETER_OPENAPI_SPEC` (path or URL), else the shared copy when
 * it exists, else the pinned upstream URL.
 */
export function resolveSpecLocation({
  override,
  sharedCopyExists,
}: {
  override: string | undefined;
  sharedCopyExists: boolean;
}): string {
  if (override !== undefined && override.trim() !== '') return override.trim();
  return sharedCopyExists ? pinnedSpec.sharedCopy : pinnedSpec.url;
}

/** Reads the spec from a path or an http(s) URL and computes its sha256. */
export async function loadSpec(location: string): Promise<LoadedSpec> {
  let text: string;
  if (/^https?:\/\//.test(location)) {
    const response = await fetch(location);
    if (!response.ok) {
      throw new Error(
        `Could not download the OpenMeter spec: GET ${location} answered ${response.status}. Set OPENMETER_OPENAPI_SPEC to a local copy.`,
      );
    }
    text = await response.text();
  } else {
    const path = location.startsWith('file:') ? fileURLToPath(location) : location;
    if (!existsSync(path)) {
      throw new Error(
        `The OpenMeter spec was not found at ${path}. Set OPENMETER_OPENAPI_SPEC to its path or URL.`,
      );
    }
    text = await readFile(path, 'utf8');
  }
  return { origin: location, text, sha256: createHash('sha256').update(text).digest('hex') };
}

/**
 * Refuses a spec whose sha256 differs from the pinned one, unless the caller explicitly
 * accepts an unpinned spec (to try a newer OpenMeter release before pinning it).
 */
export function checkSpecChecksum({
  spec,
  allowUnpinned,
}: {
  spec: LoadedSpec;
  allowUnpinned: boolean;
}): { pinned: boolean } {
  if (spec.sha256 === pinnedSpec.sha256) return { pinned: true };
  if (allowUnpinned) return { pinned: false };
  throw new SpecChecksumError(
    `The OpenMeter spec at ${spec.origin} has sha256 ${spec.sha256}, but ${pinnedSpec.sha256} is pinned (openmeter commit ${pinnedSpec.commit}). ` +
      'It was changed or is another release. To generate from it anyway, run typegen with OPENMETER_OPENAPI_ALLOW_UNPINNED=1 (or --allow-unpinned), then pin the new sha256 in scripts/spec-source.ts in a commit of its own.',
  );
}
