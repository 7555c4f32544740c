// Measures what the tokenizer costs a fresh process, against the built package (run `pnpm build`
// first): importing `toUsageEvent` from the package entry, then the first o200k_base count; and
// the same for gpt-tokenizer, ai-tokenizer, tiktoken (WASM) and js-tiktoken, one fresh `node`
// process each, interleaved round by round. Each figure is the median over the rounds; times are
// wall clock and, less sensitive to other processes on a busy machine, CPU time of the process.
//
//   pnpm build && tsx scripts/measure-tokenizer-load.ts [--runs 15] [--entry path/to/index.js]
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// --entry measures another build (e.g. one of an earlier commit) the same way.
const entryFlag = process.argv.indexOf('--entry');
const entry =
  entryFlag > 0
    ? resolve(process.argv[entryFlag + 1] ?? '')
    : fileURLToPath(new URL('../dist/index.js', import.meta.url));
if (!existsSync(entry)) {
  console.error(`${entry} is missing: run \`pnpm build\` in packages/meter-core first.`);
  process.exit(1);
}
const runsFlag = process.argv.indexOf('--runs');
const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 15;
if (!Number.isInteger(runs) || runs < 1) {
  console.error('--runs takes a positive whole number, e.g. --runs 15');
  process.exit(1);
}

// What each contender runs in its fresh process: `load` imports it (ours: the package entry, which
// loads no rank data; the peers: their o200k_base encoder, rank data included), `first` makes the
// first o200k_base count of `text`. Peer versions are the ones in this package's devDependencies.
const contenders: Record<string, { load: string; first: string }> = {
  ours: {
    load: `const { toUsageEvent, getTokenizer } = await import(${JSON.stringify(pathToFileURL(entry).href)});
if (typeof toUsageEvent !== 'function') throw new Error('toUsageEvent is not exported');`,
    first: `getTokenizer('o200k_base').count(text)`,
  },
  'gpt-tokenizer': {
    load: `const { countTokens } = await import('gpt-tokenizer/encoding/o200k_base');`,
    first: `countTokens(text)`,
  },
  'ai-tokenizer': {
    load: `const { Tokenizer } = await import('ai-tokenizer');
const o200k = await import('ai-tokenizer/encoding/o200k_base');`,
    first: `new Tokenizer(o200k).count(text)`,
  },
  'tiktoken (WASM)': {
    load: `const { get_encoding } = await import('tiktoken');`,
    first: `get_encoding('o200k_base').encode_ordinary(text).length`,
  },
  'js-tiktoken': {
    load: `const { Tiktoken } = await import('js-tiktoken/lite');
const { default: ranks } = await import('js-tiktoken/ranks/o200k_base');`,
    first: `new Tiktoken(ranks).encode(text, [], []).length`,
  },
};

// Runs in the child: times are from performance.now(); memory is the JavaScript heap plus the
// memory outside it (typed arrays), from process.memoryUsage().
function childSource({ load, first }: { load: string; first: string }): string {
  return `
const cpu = () => { const usage = process.cpuUsage(); return (usage.user + usage.system) / 1000; };
const cpuBefore = cpu();
const before = performance.now();
${load}
const imported = performance.now();
const cpuImported = cpu();
const memory = () => (process.memoryUsage().heapUsed + process.memoryUsage().external) / 1e6;
const memoryAfterImport = memory();
const text = 'Summarize the attached invoice in two sentences, then list every line item.';
const tokens = ${first};
const counted = performance.now();
const cpuCounted = cpu();
console.log(JSON.stringify({
  importMs: imported - before,
  firstCountMs: counted - imported,
  importAndCountMs: counted - before,
  importAndCountCpuMs: cpuCounted - cpuBefore,
  sinceProcessStartMs: counted,
  memoryAfterImportMB: memoryAfterImport,
  memoryAfterCountMB: memory(),
  tokens,
}));
`;
}

// Rounds interleave the contenders (a different one first in each round), so a burst of load on a
// busy machine hits them all alike; the child resolves the peers from this package's directory.
type Sample = Record<string, number>;
const names = Object.keys(contenders);
const samples = new Map<string, Sample[]>(names.map((name) => [name, []]));
const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
for (let run = 0; run < runs; run++) {
  for (let turn = 0; turn < names.length; turn++) {
    const name = names[(run + turn) % names.length] as string;
    const output = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        childSource(contenders[name] as { load: string; first: string }),
      ],
      { encoding: 'utf8', cwd: packageDirectory },
    );
    samples.get(name)?.push(JSON.parse(output) as Sample);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

const [load1, load5] = loadavg();
console.log(
  `node ${process.version}, ${runs} rounds of one fresh process per tokenizer, interleaved; medians (min-max); load average ${load1?.toFixed(1)} (1 min), ${load5?.toFixed(1)} (5 min):`,
);
for (const name of names) {
  const taken = samples.get(name) ?? [];
  console.log(name);
  for (const key of Object.keys(taken[0] ?? {})) {
    const values = taken.map((sample) => sample[key] as number);
    const low = Math.min(...values).toFixed(1);
    const high = Math.max(...values).toFixed(1);
    console.log(`  ${key.padEnd(20)} ${median(values).toFixed(1).padStart(8)}  (${low}-${high})`);
  }
}
// Ours against the fastest peer, round by round (both measured within seconds of each other).
const ours = samples.get('ours') ?? [];
for (const key of ['importAndCountMs', 'importAndCountCpuMs']) {
  const ratios = ours.map((sample, run) => {
    const fastestPeer = Math.min(
      ...names
        .filter((name) => name !== 'ours')
        .map((name) => samples.get(name)?.[run]?.[key] as number),
    );
    return (sample[key] as number) / fastestPeer;
  });
  console.log(
    `ours / fastest peer, ${key}: median ${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})`,
  );
}
