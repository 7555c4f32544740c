import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One recorded OpenAI exchange of `shared/fixtures/openai/` (the fields read here). */
export interface RecordedExchange {
  endpoint: string;
  stream: boolean;
  request: Record<string, unknown>;
  response: Record<string, unknown> | null;
  sse_events: Array<string | Record<string, unknown>> | null;
}

// Recorded exchanges live beside the repository (see shared/fixtures/openai/README.md).
const fixturesDirectory = fileURLToPath(
  new URL('../../../../../shared/fixtures/openai/', import.meta.url),
);

/**
 * Finds the recorded exchange whose response (or streamed `response.completed`) has `id`, read in
 * place; the final response object is returned as `response` for streams too.
 */
export function findRecordedExchange({ file, id }: { file: string; id: string }): RecordedExchange {
  const lines = readFileSync(`${fixturesDirectory}${file}`, 'utf8').split('\n');
  for (const line of lines) {
    if (!line.includes(id)) continue;
    const record = JSON.parse(line) as RecordedExchange;
    if (record.response && record.response.id === id) return record;
    for (const payload of record.sse_events ?? []) {
      const event = (typeof payload === 'string' ? JSON.parse(payload) : payload) as {
        type?: string;
        response?: Record<string, unknown>;
      };
      if (event.type === 'response.completed' && event.response?.id === id) {
        return { ...record, response: event.response };
      }
    }
  }
  throw new Error(`no recorded exchange with response id ${id} in ${file}`);
}
