import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Real text for the tokenizer benchmarks, read in place: nothing is copied into the repository.

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
const fixturesDirectory = join(repositoryRoot, '../shared/fixtures/openai');

function collectStrings({ value, into }: { value: unknown; into: string[] }): void {
  if (typeof value === 'string') {
    if (value.length > 0) into.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) collectStrings({ value: item, into });
  } else if (value !== null && typeof value === 'object') {
    // Message and content-part text only: ids, roles and model names are not prose.
    const record = value as Record<string, unknown>;
    for (const key of ['content', 'text', 'prompt', 'input', 'instructions', 'refusal']) {
      collectStrings({ value: record[key], into });
    }
  }
}

/**
 * Prompts and completions of the recorded OpenAI exchanges (../shared/fixtures/openai), one text
 * per message, prompt or completion, in file order: what the meter counts in production.
 */
export function readRecordedTexts(): string[] {
  const texts: string[] = [];
  for (const file of readdirSync(fixturesDirectory)
    .filter((name) => name.endsWith('.jsonl'))
    .sort()) {
    for (const line of readFileSync(join(fixturesDirectory, file), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const exchange = JSON.parse(line) as {
        request?: { messages?: unknown; prompt?: unknown; input?: unknown; instructions?: unknown };
        response?: { choices?: { message?: unknown; text?: unknown }[]; output?: unknown } | null;
      };
      const request = exchange.request ?? {};
      collectStrings({ value: request.messages, into: texts });
      collectStrings({ value: request.prompt, into: texts });
      collectStrings({ value: request.input, into: texts });
      collectStrings({ value: request.instructions, into: texts });
      for (const choice of exchange.response?.choices ?? []) {
        collectStrings({ value: choice.message, into: texts });
        collectStrings({ value: choice.text, into: texts });
      }
      collectStrings({ value: exchange.response?.output, into: texts });
    }
  }
  return texts;
}

function listTypeScriptFiles(directory: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) {
      continue;
    }
    const path = join(directory, entry.name);
    if (entry.isDirectory()) files.push(...listTypeScriptFiles(path));
    else if (entry.name.endsWith('.ts')) files.push(path);
  }
  return files.sort();
}

/** TypeScript sources of this repository's packages and apps, one text per file. */
export function readTypeScriptSources(): string[] {
  return ['packages', 'apps'].flatMap((folder) =>
    listTypeScriptFiles(join(repositoryRoot, folder)).map((path) => readFileSync(path, 'utf8')),
  );
}

/**
 * Non-ASCII prose: the compiler messages TypeScript ships translated into Japanese, Simplified and
 * Traditional Chinese, Korean, Russian, Polish, Czech, Turkish and German, one text per message.
 */
export function readTranslatedMessages(): string[] {
  const typescriptLib = dirname(createRequire(import.meta.url).resolve('typescript'));
  const texts: string[] = [];
  for (const locale of ['ja', 'zh-cn', 'zh-tw', 'ko', 'ru', 'pl', 'cs', 'tr', 'de']) {
    const messages = JSON.parse(
      readFileSync(join(typescriptLib, locale, 'diagnosticMessages.generated.json'), 'utf8'),
    ) as Record<string, string>;
    texts.push(...Object.values(messages));
  }
  return texts;
}
