/**
 * Compares the estimates with OpenAI's own usage on the recorded exchanges in
 * ../shared/fixtures/openai/ and ../shared/fixtures/openai-extra/ and prints Markdown tables: the
 * accuracy gate's categories on the set-aside sources (the gate, src/.../prompt-accuracy.test.ts)
 * beside the fitted ones, the output gate, then every prompt category per split and per source,
 * and every model. The split is src/providers/openai/count/__fixtures__/evaluation-split.ts.
 * Run: pnpm accuracy-report [--all] [--misses=<category>] [--source=<owner/name>]
 *   --all      also count prompts whose text the recorder may have normalized (see README there)
 *   --misses   list each miss of one prompt or output category with its error
 *   --source   with --misses, only that source's misses
 */
import {
  measurePromptAccuracy,
  measurePromptOutcomes,
  type PromptOutcome,
  promptCategories,
} from '../src/providers/openai/count/__fixtures__/measure-prompt-accuracy.js';
import { recordedPromptTokens } from '../src/providers/openai/count/__fixtures__/read-recorded-exchanges.js';
import {
  type AccuracySummary,
  summarizeErrors,
} from '../src/providers/openai/count/__fixtures__/summarize-errors.js';
import {
  measureOutputAccuracy,
  measureOutputOutcomes,
} from '../src/providers/openai/stream/__fixtures__/measure-output-accuracy.js';

const includeNormalized = process.argv.includes('--all');
const missesOf = process.argv.find((argument) => argument.startsWith('--misses='))?.slice(9);
const missesSource = process.argv.find((argument) => argument.startsWith('--source='))?.slice(9);

function describeErrors(errors: number[]): string {
  const misses = errors.filter((error) => error !== 0).sort((left, right) => left - right);
  if (misses.length === 0) return '';
  const counts = new Map<number, number>();
  for (const error of misses) counts.set(error, (counts.get(error) ?? 0) + 1);
  const shown = [...counts]
    .slice(0, 8)
    .map(([error, count]) => `${error > 0 ? '+' : ''}${error}×${count}`);
  return shown.join(' ') + (counts.size > 8 ? ' …' : '');
}

function printSummaries({ title, summaries }: { title: string; summaries: AccuracySummary[] }) {
  console.log(`\n### ${title}\n`);
  console.log('| category | n | exact | within ±2 | mean abs. error |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const summary of summaries) {
    console.log(
      `| ${summary.category} | ${summary.count} | ${summary.exactPercent.toFixed(1)}% | ${summary.withinTwoPercent.toFixed(1)}% | ${summary.meanAbsoluteError.toFixed(2)} |`,
    );
  }
}

function printTable({ title, groups }: { title: string; groups: Map<string, PromptOutcome[]> }) {
  console.log(`\n### ${title}\n`);
  console.log(
    '| group | prompts | with excluded parts | exact | within ±2 | mean abs. error | relative | misses (estimate − usage × count) |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  const sorted = [...groups].sort(([left], [right]) => left.localeCompare(right));
  for (const [group, outcomes] of sorted) {
    const errors = outcomes.map((outcome) => outcome.error);
    const summary = summarizeErrors({ category: group, errors });
    const absolute = errors.reduce((sum, error) => sum + Math.abs(error), 0);
    const totalUsage = outcomes.reduce(
      (sum, outcome) => sum + (recordedPromptTokens(outcome.exchange) ?? 0),
      0,
    );
    console.log(
      `| ${group} | ${summary.count} | ${outcomes.filter((outcome) => outcome.excludedParts > 0).length} | ${summary.exactPercent.toFixed(1)}% | ${summary.withinTwoPercent.toFixed(1)}% | ${summary.meanAbsoluteError.toFixed(2)} | ${((100 * absolute) / totalUsage).toFixed(2)}% | ${describeErrors(errors)} |`,
    );
  }
}

function printGate({
  setAside,
  fitted,
}: {
  setAside: AccuracySummary[];
  fitted: AccuracySummary[];
}): void {
  console.log(
    '\n### Prompt estimates, complete prompts: set-aside sources (the gate) and fitted ones\n',
  );
  console.log('| category | set-aside n | exact | within ±2 | fitted n | exact | within ±2 |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  setAside.forEach((summary, index) => {
    const other = fitted[index];
    console.log(
      `| ${summary.category} | ${summary.count} | ${summary.exactPercent.toFixed(1)}% | ${summary.withinTwoPercent.toFixed(1)}% | ${other?.count ?? 0} | ${other?.exactPercent.toFixed(1) ?? '–'}% | ${other?.withinTwoPercent.toFixed(1) ?? '–'}% |`,
    );
  });
}

function addTo({
  groups,
  key,
  outcome,
}: {
  groups: Map<string, PromptOutcome[]>;
  key: string;
  outcome: PromptOutcome;
}): void {
  const list = groups.get(key) ?? [];
  list.push(outcome);
  groups.set(key, list);
}

const outcomes = measurePromptOutcomes({ includeNormalized });
const outputOutcomes = measureOutputOutcomes();

console.log(
  `Chat and Responses prompts with recorded usage: ${outcomes.length}` +
    (includeNormalized
      ? ' (normalized text included)'
      : ' (records whose text the recorder may have normalized left out; --all to include)'),
);
printGate({
  setAside: measurePromptAccuracy({ outcomes, split: 'set-aside' }),
  fitted: measurePromptAccuracy({ outcomes, split: 'fitted' }),
});
printSummaries({
  title: 'Output estimates, usage taken away, no hidden reasoning (the gate)',
  summaries: measureOutputAccuracy(outputOutcomes),
});

const byCategory = new Map<string, PromptOutcome[]>();
const bySource = new Map<string, PromptOutcome[]>();
const byModel = new Map<string, PromptOutcome[]>();
const gated = new Set<string>(promptCategories);
for (const outcome of outcomes) {
  const { split, source, folder } = outcome.exchange;
  const complete = outcome.excludedParts === 0;
  addTo({ groups: byCategory, key: `${split} (all)`, outcome });
  if (complete) addTo({ groups: byCategory, key: `${split} (all, nothing excluded)`, outcome });
  for (const category of outcome.categories) {
    addTo({ groups: byCategory, key: `${split} ${category}`, outcome });
    if (complete && gated.has(category)) {
      addTo({ groups: bySource, key: `${split} ${folder}/${source} ${category}`, outcome });
    }
  }
  if (complete && outcome.categories.includes('plain_text')) {
    addTo({ groups: byModel, key: `${outcome.exchange.request.model ?? '?'} plain_text`, outcome });
  }
  addTo({ groups: byModel, key: outcome.exchange.request.model ?? '?', outcome });
}
printTable({
  title: 'Prompts per split and category (all records, excluded parts included)',
  groups: byCategory,
});
printTable({ title: 'Complete prompts per split, source and gated category', groups: bySource });
printTable({ title: 'Prompts per model', groups: byModel });

if (missesOf !== undefined) {
  console.log(`\n### Misses in ${missesOf}\n`);
  for (const outcome of outcomes) {
    if (outcome.error === 0 || !outcome.categories.includes(missesOf)) continue;
    if (missesSource !== undefined && outcome.exchange.source !== missesSource) continue;
    const { exchange } = outcome;
    console.log(
      `${outcome.error > 0 ? '+' : ''}${outcome.error}\t${exchange.request.model}\t${exchange.split}\t${exchange.source} ${exchange.path}#${exchange.interaction_index}\t${outcome.categories.join(',')}`,
    );
  }
  for (const outcome of outputOutcomes) {
    if (outcome.error === 0 || outcome.category !== missesOf) continue;
    console.log(
      `${outcome.error > 0 ? '+' : ''}${outcome.error}\t${outcome.model}\t${outcome.name}`,
    );
  }
}
