import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** One OpenMeter spec the client is generated from, pinned by commit and sha256. */
export interface PinnedSpec {
  /** Which API it describes: `v1` (`/api/v1`) or `v3` (`/api/v3`, Kong Konnect's `/v3`). */
  api: 'v1' | 'v3';
  /** The variable that overrides where it is read from (a path or URL). */
  overrideVariable: string;
  commit: string;
  /** Its path in openmeterio/openmeter. */
  upstreamPath: string;
  sha256: string;
  url: string;
  /** Where development and CI machines keep a copy: `../shared/openmeter/` beside the repository. */
  sharedCopy: string;
  /** The generated file, relative to the package's `src/generated/`. */
  output: string;
}

const commit = '7e57a394a0283fb210a644685ad1d257f6d5c85c';

/** The OpenMeter spec of the v1 API: openmeterio/openmeter, api/openapi.cloud.yaml. */
export const pinnedSpec: PinnedSpec = {
  api: 'v1',
  overrideVariable: 'OPENMETER_OPENAPI_SPEC',
  commit,
  upstreamPath: 'api/openapi.cloud.yaml',
  sha256: '4e7136c4c700a862974aa67585c0d9808d61323d7031ddfeec5ee7bbceb1e326',
  url: `https://raw.githubusercontent.com/openmeterio/openmeter/${commit}/api/openapi.cloud.yaml`,
  sharedCopy: fileURLToPath(
    new URL('../../../../shared/openmeter/openapi.cloud.yaml', import.meta.url),
  ),
  output: 'schema.ts',
};

/**
 * The OpenMeter spec of the v3 API ("OpenMeter and Konnect Metering & Billing API"):
 * openmeterio/openmeter, api/v3/openapi.yaml, at the same commit as v1.
 */
export const pinnedSpecV3: PinnedSpec = {
  api: 'v3',
  overrideVariable: 'OPENMETER_OPENAPI_V3_SPEC',
  commit,
  upstreamPath: 'api/v3/openapi.yaml',
  sha256: '327f2080730fe25dfff5b7efaa219b0b137e1429abeb130c0f0e2aa0f711e1f1',
  url: `https://raw.githubusercontent.com/openmeterio/openmeter/${commit}/api/v3/openapi.yaml`,
  sharedCopy: fileURLToPath(
    new URL('../../../../shared/openmeter/openapi.v3.yaml', import.meta.url),
  ),
  output: 'schema-v3.ts',
};

/** Every spec `pnpm typegen` generates from, each checked against its own sha256. */
export const pinnedSpecs: readonly PinnedSpec[] = [pinnedSpec, pinnedSpecV3];

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
 * Picks a spec's location: its override variable (`OPENMETER_OPENAPI_SPEC` for v1,
 * `OPENMETER_OPENAPI_V3_SPEC` for v3; a path or URL), else the shared copy when it exists, else
 * the pinned upstream URL.
 */
export function resolveSpecLocation({
  override,
  sharedCopyExists,
  pinned = pinnedSpec,
}: {
  override: string | undefined;
  sharedCopyExists: boolean;
  /** The spec whose location is resolved. Default the v1 spec. */
  pinned?: PinnedSpec | undefined;
}): string {
  if (override !== undefined && override.trim() !== '') return override.trim();
  return sharedCopyExists ? pinned.sharedCopy : pinned.url;
}

/**
 * Reads a spec from a path or an http(s) URL and computes its sha256; a failure names the
 * variable that points at another copy (`overrideVariable`, default `OPENMETER_OPENAPI_SPEC`).
 */
export async function loadSpec({
  location,
  overrideVariable = pinnedSpec.overrideVariable,
}: {
  location: string;
  overrideVariable?: string | undefined;
}): Promise<LoadedSpec> {
  let text: string;
  if (/^https?:\/\//.test(location)) {
    const response = await fetch(location);
    if (!response.ok) {
      throw new Error(
        `Could not download the OpenMeter spec: GET ${location} answered ${response.status}. Set ${overrideVariable} to a local copy.`,
      );
    }
    text = await response.text();
  } else {
    const path = location.startsWith('file:') ? fileURLToPath(location) : location;
    if (!existsSync(path)) {
      throw new Error(
        `The OpenMeter spec was not found at ${path}. Set ${overrideVariable} to its path or URL.`,
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
  pinned = pinnedSpec,
}: {
  spec: LoadedSpec;
  allowUnpinned: boolean;
  /** The spec it must be. Default the v1 spec. */
  pinned?: PinnedSpec | undefined;
}): { pinned: boolean } {
  if (spec.sha256 === pinned.sha256) return { pinned: true };
  if (allowUnpinned) return { pinned: false };
  throw new SpecChecksumError(
    `The OpenMeter ${pinned.api} spec at ${spec.origin} has sha256 ${spec.sha256}, but ${pinned.sha256} is pinned (openmeter commit ${pinned.commit}, ${pinned.upstreamPath}). ` +
      'It was changed or is another release. To generate from it anyway, run typegen with OPENMETER_OPENAPI_ALLOW_UNPINNED=1 (or --allow-unpinned), then pin the new sha256 in scripts/spec-source.ts in a commit of its own.',
  );
}
