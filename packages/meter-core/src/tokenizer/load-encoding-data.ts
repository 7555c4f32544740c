import { createRequire } from 'node:module';
import type { EncodingData } from './encoding-data.js';
import type { EncodingName } from './encoding-name.js';

// The counting API is synchronous, and an ES module cannot import another one synchronously, so
// rank data is required (js-tiktoken's exports map its rank files under the "require" condition
// too). Loading on first use keeps the megabytes of rank text of unused encodings out of every
// process that imports the package: this is the only place the package reads files.
const require = createRequire(import.meta.url);

// p50k_base is not here: it is derived from r50k_base (see loadEncodingData).
const rankModules = {
  o200k_base: 'js-tiktoken/ranks/o200k_base',
  cl100k_base: 'js-tiktoken/ranks/cl100k_base',
  r50k_base: 'js-tiktoken/ranks/r50k_base',
} as const satisfies Partial<Record<EncodingName, string>>;

const loaded = new Set<EncodingName>();

function isEncodingData(value: unknown): value is EncodingData {
  if (typeof value !== 'object' || value === null) return false;
  const { pat_str, special_tokens, bpe_ranks } = value as Record<string, unknown>;
  return (
    typeof pat_str === 'string' &&
    typeof bpe_ranks === 'string' &&
    typeof special_tokens === 'object' &&
    special_tokens !== null
  );
}

function requireRankModule(encoding: keyof typeof rankModules): EncodingData {
  const id = rankModules[encoding];
  let data: unknown;
  try {
    data = require(id);
  } catch (error) {
    throw new Error(
      `Could not load the ${encoding} rank data from ${id}: js-tiktoken is a dependency of @llm-meter/meter-core and must be installed beside it (reinstall the package).`,
      { cause: error },
    );
  }
  if (!isEncodingData(data)) {
    throw new Error(
      `${id} does not hold rank data ({ pat_str, special_tokens, bpe_ranks }): reinstall the js-tiktoken version @llm-meter/meter-core depends on.`,
    );
  }
  return data;
}

/**
 * Loads the rank data of one encoding, synchronously, from js-tiktoken's rank files; called once
 * per encoding, on its first use. `p50k_base` is `r50k_base` plus one token for each run of 2 to
 * 25 spaces (ranks 50257 to 50280; same pattern and special token), so it is derived rather than
 * loaded: a test checks it against js-tiktoken's `p50k_base` character for character.
 */
export function loadEncodingData(encoding: EncodingName): EncodingData {
  let data: EncodingData;
  if (encoding === 'p50k_base') {
    const r50kBase = requireRankModule('r50k_base');
    const spaceRuns = Array.from({ length: 24 }, (_, index) => btoa(' '.repeat(index + 2)));
    data = { ...r50kBase, bpe_ranks: `${r50kBase.bpe_ranks}\n! 50257 ${spaceRuns.join(' ')}` };
  } else {
    data = requireRankModule(encoding);
  }
  loaded.add(encoding);
  return data;
}

/**
 * Names of the encodings whose rank data this process has loaded so far, in load order: lets
 * tests check that importing the package loads none.
 */
export function loadedEncodings(): EncodingName[] {
  return [...loaded];
}
