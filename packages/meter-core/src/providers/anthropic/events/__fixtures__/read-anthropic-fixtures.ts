import {
  type RecordedExchangeName,
  readRecordedExchanges,
} from '../../../__fixtures__/read-recorded-exchanges.js';
import type { AnthropicUsage } from '../anthropic-message-types.js';

/**
 * One recorded Anthropic exchange of the shared fixtures, declaring only the fields tests read.
 * @see ../../../../../../../../shared/fixtures/anthropic/README.md
 */
export interface AnthropicFixtureRecord extends RecordedExchangeName {
  endpoint: 'messages' | 'messages.count_tokens';
  stream: boolean;
  request: Record<string, unknown>;
  response?: Record<string, unknown> | null;
  sse_events?: Array<Record<string, unknown>> | null;
  /** Blocking: `response.usage`; streams: the merged final usage; count_tokens: the response. */
  usage: AnthropicUsage;
  categories: string[];
  provenance?: { recorder_text_normalization?: unknown } | null;
}

/**
 * Reads every record of the shared Anthropic fixtures in place, once per test file.
 * @see ../../../../../../../../shared/fixtures/anthropic/README.md
 */
export function readAnthropicFixtures(): AnthropicFixtureRecord[] {
  return readRecordedExchanges<AnthropicFixtureRecord>({ provider: 'anthropic' });
}

/**
 * Whether a record's text is as Anthropic counted it: pydantic-ai's cassette writer may have
 * normalized the strings of JSON bodies (the request, a blocking answer), not SSE text; see the
 * fixtures' README.
 */
export function isTextAsCounted({
  record,
  part,
}: {
  record: AnthropicFixtureRecord;
  part: 'request' | 'answer';
}): boolean {
  const normalization = record.provenance?.recorder_text_normalization;
  if (typeof normalization !== 'string' || !normalization.startsWith('possibly')) return true;
  return part === 'answer' && record.stream;
}
