// Measures what the tokenizer costs a fresh process, against the built package (run `pnpm build`
// first): importing `toUsageEvent` from the package entry, then the first o200k_base count.
// Each figure is the median of fresh `node` processes, run one after another; times are wall
// clock and, less sensitive to other processes on a busy machine, CPU time of the process.
//
//   pnpm build && tsx scripts/measure-tokenizer-load.ts [--runs 15] [--entry path/to/index.js]
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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

// Runs in the child: times are from performance.now(); memory is the JavaScript heap plus the
// memory outside it (typed arrays), from process.memoryUsage().
const child = `
const entry = ${JSON.stringify(entry)};
const cpu = () => { const usage = process.cpuUsage(); return (usage.user + usage.system) / 1000; };
const cpuBefore = cpu();
const before = performance.now();
const { toUsageEvent, getTokenizer } = await import(entry);
const imported = performance.now();
const cpuImported = cpu();
const memory = () => (process.memoryUsage().heapUsed + process.memoryUsage().external) / 1e6;
const memoryAfterImport = memory();
if (typeof toUsageEvent !== 'function') throw new Error('toUsageEvent is not exported');
const text = 'Summarize the attached invoice in two sentences, then list every line item.';
const tokens = getTokenizer('o200k_base').count(text);
const counted = performance.now();
const cpuCounted = cpu();
console.log(JSON.stringify({
  importMs: imported - before,
  importCpuMs: cpuImported - cpuBefore,
  firstCountMs: counted - imported,
  firstCountCpuMs: cpuCounted - cpuImported,
  sinceProcessStartMs: counted,
  memoryAfterImportMB: memoryAfterImport,
  memoryAfterCountMB: memory(),
  tokens,
}));
`;

type Sample = Record<string, number>;
const samples: Sample[] = [];
for (let run = 0; run < runs; run++) {
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', child], {
    encoding: 'utf8',
  });
  samples.push(JSON.parse(output) as Sample);
}

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

const [load1, load5] = loadavg();
console.log(
  `node ${process.version}, ${runs} fresh processes, medians (min-max); load average ${load1?.toFixed(1)} (1 min), ${load5?.toFixed(1)} (5 min):`,
);
for (const key of Object.keys(samples[0] ?? {})) {
  const values = samples.map((sample) => sample[key] as number);
  const low = Math.min(...values).toFixed(1);
  const high = Math.max(...values).toFixed(1);
  console.log(`  ${key.padEnd(20)} ${median(values).toFixed(1).padStart(8)}  (${low}-${high})`);
}
