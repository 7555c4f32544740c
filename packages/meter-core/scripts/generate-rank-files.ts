// Generates the rank files the tokenizer reads (`ranks/<encoding>.bin`, see
// src/tokenizer/rank-file-layout.ts) from js-tiktoken's published rank data (MIT): the files are
// build output, never committed. Runs on `pnpm typegen` and `pnpm build`; skips the work when the
// files were generated from the same js-tiktoken version by the same generator code.
//
//   tsx scripts/generate-rank-files.ts [--force]
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createRankFile } from '../src/tokenizer/create-rank-file.js';
import type { EncodingData } from '../src/tokenizer/encoding-data.js';
import { encodingNames } from '../src/tokenizer/encoding-name.js';

const require = createRequire(import.meta.url);
const packageDirectory = new URL('../', import.meta.url);
const ranksDirectory = new URL('ranks/', packageDirectory);
// What the files were generated from; not JSON by name, so no linter or formatter reads it.
const manifestUrl = new URL('stamp', ranksDirectory);

// js-tiktoken exports no package.json: its version is read from the folder of its rank files.
function readJsTiktokenVersion(): string {
  let directory = dirname(require.resolve('js-tiktoken/ranks/o200k_base'));
  while (!existsSync(join(directory, 'package.json'))) {
    if (dirname(directory) === directory) throw new Error('js-tiktoken has no package.json');
    directory = dirname(directory);
  }
  const { name, version } = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8'));
  if (name !== 'js-tiktoken') throw new Error(`${directory} holds ${name}, not js-tiktoken`);
  return version as string;
}
const version = readJsTiktokenVersion();
const source = `js-tiktoken ${version}`;
// The code that decides the files' content: a change to any of it regenerates them.
const generatorFiles = [
  'scripts/generate-rank-files.ts',
  'src/tokenizer/create-rank-file.ts',
  'src/tokenizer/parse-tiktoken-ranks.ts',
  'src/tokenizer/rank-file-layout.ts',
  'src/tokenizer/rank-hash.ts',
];
const generatorHash = createHash('sha256');
for (const file of generatorFiles)
  generatorHash.update(readFileSync(new URL(file, packageDirectory)));
const stamp = { source, generator: generatorHash.digest('hex'), encodings: encodingNames };

const upToDate =
  !process.argv.includes('--force') &&
  existsSync(manifestUrl) &&
  readFileSync(manifestUrl, 'utf8') === JSON.stringify(stamp) &&
  encodingNames.every((encoding) => existsSync(new URL(`${encoding}.bin`, ranksDirectory)));
if (upToDate) {
  console.log(`ranks/ is up to date (${source})`);
} else {
  mkdirSync(ranksDirectory, { recursive: true });
  for (const encoding of encodingNames) {
    const data = require(`js-tiktoken/ranks/${encoding}`) as EncodingData;
    const file = createRankFile({ data, source });
    // Written aside, then renamed: a process reading the folder meanwhile sees a whole file.
    const target = new URL(`${encoding}.bin`, ranksDirectory);
    const partial = new URL(`${encoding}.bin.${process.pid}.partial`, ranksDirectory);
    writeFileSync(partial, file);
    renameSync(partial, target);
    console.log(`ranks/${encoding}.bin: ${file.length} bytes from ${source}`);
  }
  writeFileSync(manifestUrl, JSON.stringify(stamp));
}
