import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ChatPromptRequest } from '../count-chat-prompt-tokens.js';

/** One recorded chat completion exchange of `shared/fixtures/openai/` (the fields read here). */
export interface RecordedExchange {
  source: string;
  path: string;
  interaction_index: number;
  endpoint: string;
  request: ChatPromptRequest;
  usage: { prompt_tokens?: number } | null;
  categories: string[];
  provenance: { recorder_text_normalization: string | null };
}

// Recorded exchanges live beside the repository (see shared/fixtures/openai/README.md).
const fixturesDirectory = fileURLToPath(
  new URL('../../../../../../../../shared/fixtures/openai/', import.meta.url),
);

/** Every recorded chat completion exchange, read in place from `../shared/fixtures/openai/`. */
export function readRecordedChatExchanges(): RecordedExchange[] {
  return readdirSync(fixturesDirectory)
    .filter((file) => file.endsWith('.jsonl'))
    .flatMap((file) => readFileSync(`${fixturesDirectory}${file}`, 'utf8').split('\n'))
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as RecordedExchange)
    .filter((exchange) => exchange.endpoint === 'chat.completions');
}

/** False when the recorder may have rewritten the text after OpenAI counted it. */
export function isTextAsCounted(record: {
  provenance?: { recorder_text_normalization?: unknown } | null;
}): boolean {
  const normalization = record.provenance?.recorder_text_normalization;
  return !(typeof normalization === 'string' && normalization.startsWith('possibly applied'));
}
