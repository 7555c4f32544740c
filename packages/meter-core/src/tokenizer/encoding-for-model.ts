import { baseModelName } from './base-model-name.js';
import type { EncodingName } from './encoding-name.js';
import { UnknownModelError } from './unknown-model-error.js';

// Families are matched on the name followed by its end, `-` (dated snapshots, sizes) or `.`
// (point releases such as gpt-5.4), so `o1` matches `o1-mini` but not `o10x`.
const familyEncodings: ReadonlyArray<readonly [family: string, encoding: EncodingName]> = [
  // o200k_base: gpt-4o and every later family.
  ['gpt-4o', 'o200k_base'],
  ['chatgpt-4o', 'o200k_base'],
  ['gpt-4.1', 'o200k_base'],
  ['gpt-4.5', 'o200k_base'],
  ['gpt-5', 'o200k_base'],
  ['gpt-oss', 'o200k_base'],
  ['gpt-audio', 'o200k_base'],
  ['gpt-realtime', 'o200k_base'],
  ['o1', 'o200k_base'],
  ['o3', 'o200k_base'],
  ['o4', 'o200k_base'],
  ['codex-mini', 'o200k_base'],
  ['computer-use-preview', 'o200k_base'],
  ['omni-moderation', 'o200k_base'],
  // cl100k_base: gpt-4 (incl. turbo and vision), gpt-3.5-turbo, embeddings, the -002 base models.
  ['gpt-4', 'cl100k_base'],
  ['gpt-3.5-turbo', 'cl100k_base'],
  ['gpt-35-turbo', 'cl100k_base'],
  ['text-embedding-ada-002', 'cl100k_base'],
  ['text-embedding-3', 'cl100k_base'],
  ['davinci-002', 'cl100k_base'],
  ['babbage-002', 'cl100k_base'],
  // p50k_base: deprecated codex and text-davinci-002/003 (the edit models use p50k_edit, which
  // differs only in special tokens, and special tokens are always counted as text here).
  ['text-davinci-003', 'p50k_base'],
  ['text-davinci-002', 'p50k_base'],
  ['text-davinci-edit-001', 'p50k_base'],
  ['code-davinci-edit-001', 'p50k_base'],
  ['code-davinci', 'p50k_base'],
  ['code-cushman', 'p50k_base'],
  ['davinci-codex', 'p50k_base'],
  ['cushman-codex', 'p50k_base'],
  // r50k_base: deprecated GPT-3 models and their embeddings.
  ['text-davinci-001', 'r50k_base'],
  ['text-curie-001', 'r50k_base'],
  ['text-babbage-001', 'r50k_base'],
  ['text-ada-001', 'r50k_base'],
  ['text-similarity', 'r50k_base'],
  ['text-search', 'r50k_base'],
  ['code-search', 'r50k_base'],
  ['davinci', 'r50k_base'],
  ['curie', 'r50k_base'],
  ['babbage', 'r50k_base'],
  ['ada', 'r50k_base'],
];

function matchesFamily({ model, family }: { model: string; family: string }): boolean {
  if (!model.startsWith(family)) return false;
  const next = model.charAt(family.length);
  return next === '' || next === '-' || next === '.';
}

function findEncoding(model: string): EncodingName | undefined {
  const name = baseModelName(model);
  for (const [family, encoding] of familyEncodings) {
    if (matchesFamily({ model: name, family })) return encoding;
  }
  return undefined;
}

/**
 * Returns the byte-pair encoding an OpenAI model tokenizes with, for every current family and
 * dated snapshot (`gpt-4o-2024-08-06`), point release (`gpt-5.4-mini`) and fine-tune
 * (`ft:gpt-4o-mini-2024-07-18:org::id`). Throws {@link UnknownModelError} for other names.
 * @see https://github.com/openai/tiktoken/blob/main/tiktoken/model.py
 */
export function encodingForModel(model: string): EncodingName {
  const encoding = findEncoding(model);
  if (encoding === undefined) throw new UnknownModelError(model);
  return encoding;
}
