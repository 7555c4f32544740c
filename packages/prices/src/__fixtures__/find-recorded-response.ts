import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One recorded blocking exchange of `shared/fixtures/anthropic/` or `shared/fixtures/gemini/`. */
export interface RecordedResponse {
  request: Record<string, unknown>;
  response: Record<string, unknown>;
  /** The model in the request URL (Gemini) or body (Anthropic). */
  model_requested: string;
}

// Recorded exchanges live beside the repository (see shared/fixtures/<provider>/README.md).
const fixturesDirectory = fileURLToPath(
  new URL('../../../../../shared/fixtures/', import.meta.url),
);

/**
 * Finds the recorded blocking response with `id` (Anthropic's `id`, Gemini's `responseId`),
 * read in place.
 */
export function findRecordedResponse({
  provider,
  file,
  id,
}: {
  provider: 'anthropic' | 'gemini';
  file: string;
  id: string;
}): RecordedResponse {
  const lines = readFileSync(`${fixturesDirectory}${provider}/${file}`, 'utf8').split('\n');
  for (const line of lines) {
    if (!line.includes(id)) continue;
    const record = JSON.parse(line) as Partial<RecordedResponse>;
    const response = record.response;
    if (response && (response.id === id || response.responseId === id)) {
      return record as RecordedResponse;
    }
  }
  throw new Error(`no recorded ${provider} response with id ${id} in ${file}`);
}
