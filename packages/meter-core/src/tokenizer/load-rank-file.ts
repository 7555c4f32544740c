import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { EncodingName } from './encoding-name.js';
import { parseRankFile, type RankFile } from './parse-rank-file.js';

// The counting API is synchronous, so the rank file is read synchronously, on first use: importing
// the package reads none, and a process reads only the encodings it counts with. This is the only
// place the package reads files. `#ranks/*` (package.json "imports") finds the package's `ranks/`
// folder from the sources and from the build alike.
const require = createRequire(import.meta.url);

const loaded = new Set<EncodingName>();

/**
 * Reads the rank file of one encoding (`ranks/<encoding>.bin`, generated from js-tiktoken's ranks
 * when the package is built) in one synchronous read; called once per encoding, on its first use.
 */
export function loadRankFile(encoding: EncodingName): RankFile {
  const id = `#ranks/${encoding}.bin`;
  let file: Uint8Array;
  try {
    file = readFileSync(require.resolve(id));
  } catch (error) {
    throw new Error(
      `Could not read the ${encoding} rank file (${id}, the ranks/ folder of @llm-meter/meter-core): reinstall the package, or in its repository run \`pnpm build\` (or \`pnpm typegen\`) to generate it.`,
      { cause: error },
    );
  }
  const rankFile = parseRankFile({ file, encoding });
  loaded.add(encoding);
  return rankFile;
}

/**
 * Names of the encodings whose rank files this process has read so far, in load order: lets
 * tests check that importing the package reads none.
 */
export function loadedEncodings(): EncodingName[] {
  return [...loaded];
}
