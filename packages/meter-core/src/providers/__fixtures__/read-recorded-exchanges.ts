import { readdirSync, readFileSync } from 'node:fs';

/** What every recorded exchange gets from the reader: where it stands in the fixtures. */
export interface RecordedExchangeName {
  /** `file#line` for test names. */
  name: string;
  /** The recording's file, one per source project. */
  file: string;
}

// The fixtures live beside the repository (shared/fixtures/<provider>), never inside it.
const sharedFixtures = new URL('../../../../../../shared/fixtures/', import.meta.url);

const cache = new Map<string, unknown[]>();

/**
 * Reads every record of a provider's shared fixtures (`shared/fixtures/<provider>/*.jsonl`, one
 * exchange a line) in place, once per test file, named `file#line`. `Record` declares the fields
 * the provider's tests read; the lines are trusted to have them (they are recorded exchanges).
 */
export function readRecordedExchanges<Record extends RecordedExchangeName>({
  provider,
}: {
  provider: 'openai' | 'anthropic' | 'gemini';
}): Record[] {
  const cached = cache.get(provider);
  if (cached) return cached as Record[];
  const directory = new URL(`${provider}/`, sharedFixtures);
  const records: Record[] = [];
  for (const file of readdirSync(directory)
    .filter((name) => name.endsWith('.jsonl'))
    .sort()) {
    const lines = readFileSync(new URL(file, directory), 'utf8').split('\n');
    lines.forEach((line, index) => {
      if (line.trim() === '') return;
      records.push({
        ...(JSON.parse(line) as Omit<Record, keyof RecordedExchangeName>),
        name: `${file}#${index + 1}`,
        file,
      } as Record);
    });
  }
  cache.set(provider, records);
  return records;
}
