import { readdirSync, readFileSync } from 'node:fs';

/**
 * One recorded OpenAI exchange of the shared fixtures, declaring only the fields tests read.
 */
export interface OpenAIFixtureRecord {
  /** `file#line` for test names. */
  name: string;
  endpoint: 'chat.completions' | 'responses' | 'embeddings' | 'completions';
  stream: boolean;
  request: Record<string, unknown>;
  response?: Record<string, unknown> | null;
  sse_events?: Array<Record<string, unknown>> | null;
  usage: Record<string, unknown> | null;
  categories: string[];
  provenance?: {
    recorder_text_normalization?: unknown;
    id_is_placeholder?: boolean;
    id_shared_with_differing_bodies?: boolean;
  } | null;
}

// The fixtures live beside the repository (shared/fixtures/openai), never inside it.
const fixturesDirectory = new URL(
  '../../../../../../../../shared/fixtures/openai/',
  import.meta.url,
);

let cache: OpenAIFixtureRecord[] | undefined;

/**
 * Reads every record of the shared OpenAI fixtures in place, once per test file.
 */
export function readOpenAIFixtures(): OpenAIFixtureRecord[] {
  if (cache) return cache;
  const records: OpenAIFixtureRecord[] = [];
  for (const file of readdirSync(fixturesDirectory)
    .filter((name) => name.endsWith('.jsonl'))
    .sort()) {
    const lines = readFileSync(new URL(file, fixturesDirectory), 'utf8').split('\n');
    lines.forEach((line, index) => {
      if (line.trim() === '') return;
      records.push({
        ...(JSON.parse(line) as Omit<OpenAIFixtureRecord, 'name'>),
        name: `${file}#${index + 1}`,
      });
    });
  }
  cache = records;
  return records;
}
