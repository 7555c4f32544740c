import { getTokenizer } from '../../../../tokenizer/get-tokenizer.js';
import type { GeminiFixtureRecord } from '../../events/__fixtures__/read-gemini-fixtures.js';
import type { GeminiPartLike } from '../../events/gemini-response-types.js';
import { addGeminiOutputParts, type GeminiOutput } from '../../events/list-gemini-output.js';
import {
  estimateGeminiOutputTokens,
  estimateGeminiPromptTokens,
} from '../estimate-gemini-tokens.js';

/** Sources the fit never saw: the estimate's error is measured on them. */
export const heldOutSources: ReadonlySet<string> = new Set([
  'Mirascope/mirascope',
  'simonw/llm-gemini',
]);

/** Relative errors (estimate − Gemini) / Gemini, summarized. */
export interface ErrorSummary {
  count: number;
  /** Absolute relative error at the 50th, 90th and 95th percentile. */
  p50: number;
  p90: number;
  p95: number;
  /** Σ estimate / Σ Gemini − 1 over the set. */
  aggregate: number;
  /** Share of estimates below Gemini's count. */
  under: number;
}

function summarize(pairs: ReadonlyArray<{ estimate: number; actual: number }>): ErrorSummary {
  const errors = pairs
    .filter((pair) => pair.actual > 0)
    .map((pair) => Math.abs(pair.estimate - pair.actual) / pair.actual)
    .sort((a, b) => a - b);
  const at = (share: number) =>
    errors[Math.min(errors.length - 1, Math.floor(share * errors.length))] ?? 0;
  const sum = (key: 'estimate' | 'actual') => pairs.reduce((total, pair) => total + pair[key], 0);
  const round = (value: number) => Math.round(value * 1000) / 1000;
  return {
    count: errors.length,
    p50: round(at(0.5)),
    p90: round(at(0.9)),
    p95: round(at(0.95)),
    aggregate: round(sum('estimate') / sum('actual') - 1),
    under: round(pairs.filter((pair) => pair.estimate < pair.actual).length / pairs.length),
  };
}

// pydantic-ai's recorder rewrote quotes, dashes and NFKC in JSON bodies: not the text Gemini saw.
function isNormalized(record: GeminiFixtureRecord): boolean {
  return String(record.provenance?.recorder_text_normalization ?? '').startsWith('possibly');
}

function outputOf(record: GeminiFixtureRecord): GeminiOutput | undefined {
  const output: GeminiOutput = { texts: [], functionCalls: [] };
  const chunks = record.stream ? (record.sse_events ?? []) : [record.response ?? {}];
  for (const chunk of chunks) {
    for (const candidate of chunk.candidates ?? []) {
      const parts = (candidate.content?.parts ?? []) as GeminiPartLike[];
      // Generated media (images, audio) cannot be estimated from text: such records are left out.
      const media = (part: GeminiPartLike) =>
        [part.inlineData, part.fileData, part.inline_data, part.file_data].some(Boolean);
      if (parts.some(media)) {
        return undefined;
      }
      addGeminiOutputParts({ output, parts });
    }
  }
  return output;
}

/**
 * Measures the fitted estimates on recorded generate exchanges of some sources: output
 * (visible text and function calls against `candidatesTokenCount`) and prompts without media or
 * server tools (against `promptTokenCount`).
 */
export function measureGeminiEstimates({
  records,
  sources,
}: {
  records: readonly GeminiFixtureRecord[];
  sources: (source: string) => boolean;
}): { output: ErrorSummary; prompt: ErrorSummary } {
  const output: Array<{ estimate: number; actual: number }> = [];
  const prompt: Array<{ estimate: number; actual: number }> = [];
  for (const record of records) {
    if (!record.endpoint.endsWith('enerateContent') || !sources(record.source)) continue;
    if (isNormalized(record) || !record.usage) continue;
    const visible = outputOf(record);
    if (visible) {
      output.push({
        estimate: estimateGeminiOutputTokens(visible),
        actual: record.usage.candidatesTokenCount ?? 0,
      });
    }
    const counted = estimateGeminiPromptTokens({ request: record.request });
    // An explicit cache's contents are not in the request: such prompts cannot be estimated.
    const cached = record.request.cachedContent !== undefined;
    if (counted.excludedParts === 0 && !record.usage.toolUsePromptTokenCount && !cached) {
      prompt.push({ estimate: counted.tokens, actual: record.usage.promptTokenCount ?? 0 });
    }
  }
  return { output: summarize(output), prompt: summarize(prompt) };
}

/**
 * Refits the text ratio the estimate uses: Σ `candidatesTokenCount` / Σ o200k_base tokens over
 * the text-only outputs (no function calls, no media) of the given sources.
 */
export function fitGeminiTextRatio({
  records,
  sources,
}: {
  records: readonly GeminiFixtureRecord[];
  sources: (source: string) => boolean;
}): number {
  const tokenizer = getTokenizer('o200k_base');
  let bpe = 0;
  let gemini = 0;
  for (const record of records) {
    if (!record.endpoint.endsWith('enerateContent') || !sources(record.source)) continue;
    if (isNormalized(record) || !record.usage) continue;
    const visible = outputOf(record);
    if (!visible || visible.functionCalls.length > 0) continue;
    bpe += visible.texts.reduce((sum, text) => sum + tokenizer.count(text), 0);
    gemini += record.usage.candidatesTokenCount ?? 0;
  }
  return gemini / bpe;
}
