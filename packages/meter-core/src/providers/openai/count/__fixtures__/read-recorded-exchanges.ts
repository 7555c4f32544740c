import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ResponsesPromptRequest } from '../../events/convert-responses-request.js';
import type { ChatPromptRequest } from '../count-chat-prompt-tokens.js';
import { splitOfSource } from './evaluation-split.js';

/** The fields of a recorded exchange every endpoint shares (the fields read here). */
interface RecordedExchangeBase {
  source: string;
  path: string;
  interaction_index: number;
  categories: string[];
  provenance: { recorder_text_normalization: string | null };
  /** The fixtures folder the record was read from: `openai` or `openai-extra`. */
  folder: string;
  /** Whether the accuracy rules may be fitted on this record's source (see evaluation-split.ts). */
  split: 'fitted' | 'set-aside';
}

/** One recorded chat completion exchange (the fields read here). */
export interface RecordedChatExchange extends RecordedExchangeBase {
  endpoint: 'chat.completions';
  request: ChatPromptRequest;
  usage: { prompt_tokens?: number } | null;
}

/** One recorded Responses exchange (the fields read here). */
export interface RecordedResponsesExchange extends RecordedExchangeBase {
  endpoint: 'responses';
  request: ResponsesPromptRequest;
  usage: { input_tokens?: number } | null;
}

/** One recorded exchange whose prompt the estimates count. */
export type RecordedExchange = RecordedChatExchange | RecordedResponsesExchange;

// Recorded exchanges live beside the repository (see shared/fixtures/openai/README.md); the
// second folder holds three more projects' recordings in the same format.
const fixtureFolders = ['openai', 'openai-extra'] as const;
const fixturesRoot = fileURLToPath(
  new URL('../../../../../../../../shared/fixtures/', import.meta.url),
);

let cache: RecordedExchange[] | undefined;

/**
 * Every recorded chat completion and Responses exchange, read in place from
 * `../shared/fixtures/openai/` and `../shared/fixtures/openai-extra/`, each tagged with its
 * folder and its evaluation split.
 */
export function readRecordedExchanges(): readonly RecordedExchange[] {
  cache ??= fixtureFolders.flatMap((folder) =>
    readdirSync(`${fixturesRoot}${folder}`)
      .filter((file) => file.endsWith('.jsonl'))
      .flatMap((file) => readFileSync(`${fixturesRoot}${folder}/${file}`, 'utf8').split('\n'))
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as RecordedExchange)
      .filter(
        (exchange) => exchange.endpoint === 'chat.completions' || exchange.endpoint === 'responses',
      )
      .map((exchange) => ({ ...exchange, folder, split: splitOfSource(exchange.source) })),
  );
  return cache;
}

/** Every recorded chat completion exchange of both fixtures folders. */
export function readRecordedChatExchanges(): RecordedChatExchange[] {
  return readRecordedExchanges().filter(
    (exchange): exchange is RecordedChatExchange => exchange.endpoint === 'chat.completions',
  );
}

/** The prompt tokens OpenAI billed for a recorded exchange, if its usage was recorded. */
export function recordedPromptTokens(exchange: RecordedExchange): number | undefined {
  const tokens =
    exchange.endpoint === 'chat.completions'
      ? exchange.usage?.prompt_tokens
      : exchange.usage?.input_tokens;
  return typeof tokens === 'number' ? tokens : undefined;
}

/** False when the recorder may have rewritten the text after OpenAI counted it. */
export function isTextAsCounted(record: {
  provenance?: { recorder_text_normalization?: unknown } | null;
}): boolean {
  const normalization = record.provenance?.recorder_text_normalization;
  return !(typeof normalization === 'string' && normalization.startsWith('possibly applied'));
}
