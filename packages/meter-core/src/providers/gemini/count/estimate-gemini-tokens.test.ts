import { describe, expect, it } from 'vitest';
import { readGeminiFixtures } from '../events/__fixtures__/read-gemini-fixtures.js';
import {
  fitGeminiTextRatio,
  heldOutSources,
  measureGeminiEstimates,
} from './__fixtures__/measure-gemini-estimates.js';
import { estimateGeminiOutputTokens, geminiTokensPerBpeToken } from './estimate-gemini-tokens.js';

// Gemini has no public tokenizer: its estimate is o200k_base times a ratio fitted on some
// recorded sources and measured here on the sources the fit never saw (Mirascope, llm-gemini).
// Thresholds sit a little above what the fit reaches (meter-core README, "Gemini estimates").
describe('the fitted Gemini estimate', () => {
  const records = readGeminiFixtures();
  const heldOut = measureGeminiEstimates({
    records,
    sources: (source) => heldOutSources.has(source),
  });

  it('is the ratio fitted on the other sources', () => {
    const ratio = fitGeminiTextRatio({ records, sources: (source) => !heldOutSources.has(source) });
    expect(ratio).toBeCloseTo(geminiTokensPerBpeToken, 3);
  });

  it('estimates held-out output within its measured error', () => {
    console.log('held-out output', heldOut.output);
    expect(heldOut.output.count).toBeGreaterThanOrEqual(270);
    expect(heldOut.output.p50).toBeLessThanOrEqual(0.1);
    expect(heldOut.output.p90).toBeLessThanOrEqual(0.3);
    expect(Math.abs(heldOut.output.aggregate)).toBeLessThanOrEqual(0.08);
  });

  it('estimates held-out prompts without media within its measured error', () => {
    console.log('held-out prompt', heldOut.prompt);
    expect(heldOut.prompt.count).toBeGreaterThanOrEqual(250);
    expect(heldOut.prompt.p50).toBeLessThanOrEqual(0.1);
    expect(heldOut.prompt.p90).toBeLessThanOrEqual(0.28);
    expect(Math.abs(heldOut.prompt.aggregate)).toBeLessThanOrEqual(0.08);
  });

  it('estimates nothing as nothing and any output as at least one token', () => {
    expect(estimateGeminiOutputTokens({ texts: [] })).toBe(0);
    expect(estimateGeminiOutputTokens({ texts: ['', 'a'] })).toBe(1);
    expect(
      estimateGeminiOutputTokens({ texts: [], functionCalls: [{ name: 'f' }] }),
    ).toBeGreaterThan(6);
  });
});
