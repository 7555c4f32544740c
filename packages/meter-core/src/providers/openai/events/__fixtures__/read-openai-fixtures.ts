import {
  type RecordedExchangeName,
  readRecordedExchanges,
} from '../../../__fixtures__/read-recorded-exchanges.js';

/**
 * One recorded OpenAI exchange of the shared fixtures, declaring only the fields tests read.
 */
export interface OpenAIFixtureRecord extends RecordedExchangeName {
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

/**
 * Reads every record of the shared OpenAI fixtures in place, once per test file.
 */
export function readOpenAIFixtures(): OpenAIFixtureRecord[] {
  return readRecordedExchanges<OpenAIFixtureRecord>({ provider: 'openai' });
}
