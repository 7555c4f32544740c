/**
 * Compares countChatPromptTokens with OpenAI's own usage.prompt_tokens on the recorded exchanges
 * in ../shared/fixtures/openai/ and prints Markdown tables per category and per model.
 * Run: pnpm accuracy-report [--all] [--misses=<category>]
 *   --all      also count records whose text the recorder may have normalized (see README there)
 *   --misses   list each miss of one category with its error
 * @see https://cookbook.openai.com/examples/how_to_count_tokens_with_tiktoken
 */
import {
  isTextAsCounted,
  type RecordedExchange,
  readRecordedChatExchanges,
} from '../src/count/__fixtures__/read-recorded-chat-exchanges.js';
import { countChatPromptTokens } from '../src/count/count-chat-prompt-tokens.js';

interface Outcome {
  exchange: RecordedExchange;
  error: number;
  excludedParts: number;
}

const includeNormalized = process.argv.includes('--all');
const missesOf = process.argv.find((argument) => argument.startsWith('--misses='))?.slice(9);

function percent({ part, whole }: { part: number; whole: number }): string {
  return whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`;
}

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

function printTable({ title, groups }: { title: string; groups: Map<string, Outcome[]> }): void {
  console.log(`\n### ${title}\n`);
  console.log(
    '| group | prompts | with excluded parts | exact | within ±1 | mean abs. error | relative | misses (estimate − usage × count) |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  const sorted = [...groups].sort(([left], [right]) => left.localeCompare(right));
  for (const [group, outcomes] of sorted) {
    const errors = outcomes.map((outcome) => outcome.error);
    const exact = errors.filter((error) => error === 0).length;
    const close = errors.filter((error) => Math.abs(error) <= 1).length;
    const meanAbsolute = errors.reduce((sum, error) => sum + Math.abs(error), 0) / errors.length;
    const totalUsage = outcomes.reduce(
      (sum, outcome) => sum + (outcome.exchange.usage?.prompt_tokens ?? 0),
      0,
    );
    const relative = errors.reduce((sum, error) => sum + Math.abs(error), 0) / totalUsage;
    console.log(
      `| ${group} | ${outcomes.length} | ${outcomes.filter((outcome) => outcome.excludedParts > 0).length} | ${percent({ part: exact, whole: outcomes.length })} | ${percent({ part: close, whole: outcomes.length })} | ${meanAbsolute.toFixed(2)} | ${(100 * relative).toFixed(2)}% | ${describeErrors(errors)} |`,
    );
  }
}

function addTo({
  groups,
  key,
  outcome,
}: {
  groups: Map<string, Outcome[]>;
  key: string;
  outcome: Outcome;
}): void {
  const list = groups.get(key) ?? [];
  list.push(outcome);
  groups.set(key, list);
}

const exchanges = readRecordedChatExchanges();
const measured = exchanges.filter(
  (exchange) =>
    typeof exchange.usage?.prompt_tokens === 'number' &&
    (includeNormalized || isTextAsCounted(exchange)),
);
const outcomes: Outcome[] = measured.map((exchange) => {
  const count = countChatPromptTokens(exchange.request);
  return {
    exchange,
    error: count.tokens - (exchange.usage?.prompt_tokens ?? 0),
    excludedParts: count.excluded.length,
  };
});

const byCategory = new Map<string, Outcome[]>();
const byModel = new Map<string, Outcome[]>();
const byModelPlainText = new Map<string, Outcome[]>();
for (const outcome of outcomes) {
  const complete = outcome.excludedParts === 0;
  addTo({ groups: byCategory, key: '(all)', outcome });
  if (complete) addTo({ groups: byCategory, key: '(all, nothing excluded)', outcome });
  for (const category of outcome.exchange.categories) {
    addTo({ groups: byCategory, key: category, outcome });
  }
  addTo({ groups: byModel, key: outcome.exchange.request.model ?? '?', outcome });
  if (outcome.exchange.categories.includes('plain_text')) {
    addTo({ groups: byModelPlainText, key: outcome.exchange.request.model ?? '?', outcome });
  }
}

console.log(
  `Chat completions with usage.prompt_tokens: ${measured.length} of ${exchanges.length} recorded` +
    (includeNormalized
      ? ' (normalized text included)'
      : ' (records whose text the recorder may have normalized left out; --all to include)'),
);
printTable({ title: 'Per category', groups: byCategory });
printTable({ title: 'Per model (all categories)', groups: byModel });
printTable({ title: 'Per model, plain_text only', groups: byModelPlainText });

if (missesOf !== undefined) {
  console.log(`\n### Misses in ${missesOf}\n`);
  for (const outcome of outcomes) {
    if (outcome.error === 0 || !outcome.exchange.categories.includes(missesOf)) continue;
    const { exchange } = outcome;
    console.log(
      `${outcome.error > 0 ? '+' : ''}${outcome.error}\t${exchange.request.model}\t${exchange.source} ${exchange.path}#${exchange.interaction_index}\t${exchange.categories.join(',')}`,
    );
  }
}
