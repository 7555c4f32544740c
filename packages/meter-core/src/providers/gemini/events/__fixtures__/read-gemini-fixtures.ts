import {
  type RecordedExchangeName,
  readRecordedExchanges,
} from '../../../__fixtures__/read-recorded-exchanges.js';
import type {
  GeminiPromptRequest,
  GeminiUsageMetadata,
  GenerateContentResponseLike,
} from '../gemini-response-types.js';

/**
 * One recorded Gemini exchange of the shared fixtures, declaring only the fields tests read.
 * @see ../../../../../../../../shared/fixtures/gemini/README.md
 */
export interface GeminiFixtureRecord extends RecordedExchangeName {
  /** The repository the recording came from, e.g. `Mirascope/mirascope`. */
  source: string;
  path: string;
  endpoint:
    | 'generateContent'
    | 'streamGenerateContent'
    | 'countTokens'
    | 'embedContent'
    | 'batchEmbedContents';
  stream: boolean;
  model_requested: string;
  request_url: string;
  request: GeminiPromptRequest & Record<string, unknown>;
  response?: (GenerateContentResponseLike & Record<string, unknown>) | null;
  sse_events?: GenerateContentResponseLike[] | null;
  usage: (GeminiUsageMetadata & Record<string, unknown>) | null;
  categories: string[];
  provenance?: { recorder_text_normalization?: string | null } | null;
}

/**
 * Reads every record of the shared Gemini fixtures in place, once per test file.
 * @see ../../../../../../../../shared/fixtures/gemini/README.md
 */
export function readGeminiFixtures(): GeminiFixtureRecord[] {
  return readRecordedExchanges<GeminiFixtureRecord>({ provider: 'gemini' });
}

/** Whether a recording was made through Vertex AI (`*aiplatform.googleapis.com`). */
export function isVertexRecord(record: GeminiFixtureRecord): boolean {
  return new URL(record.request_url).host.endsWith('aiplatform.googleapis.com');
}

/** Whether a stream was recorded as server-sent events (`alt=sse`), else as a JSON array. */
export function isSseRecord(record: GeminiFixtureRecord): boolean {
  return new URL(record.request_url).searchParams.get('alt') === 'sse';
}

/**
 * Renders a recorded stream's chunks as the body Gemini sent: SSE events (`alt=sse`) or one
 * JSON array whose elements are separated as Google separates them (`,\r\n`).
 */
export function renderStreamBody(record: GeminiFixtureRecord): string {
  const chunks = (record.sse_events ?? []).map((chunk) => JSON.stringify(chunk));
  return isSseRecord(record)
    ? chunks.map((chunk) => `data: ${chunk}\r\n\r\n`).join('')
    : `[${chunks.join(',\r\n')}]`;
}
