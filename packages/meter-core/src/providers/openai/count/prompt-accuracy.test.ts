import { describe, it } from 'vitest';
import {
  type AccuracyThreshold,
  expectAboveThreshold,
} from './__fixtures__/expect-above-threshold.js';
import { measurePromptAccuracy } from './__fixtures__/measure-prompt-accuracy.js';

// The accuracy gate on prompts: countChatPromptTokens against OpenAI's own usage.prompt_tokens
// on the recorded exchanges (../shared/fixtures/openai), complete prompts only (nothing
// excluded), records whose text the recorder may have normalized left out. Thresholds sit a
// little below what the rules reach (PROMPT-FORMAT.md); `pnpm accuracy-report` prints the table.
const thresholds: Record<string, AccuracyThreshold> = {
  plain_text: { count: 150, exactPercent: 99, withinTwoPercent: 99 },
  tools_defined: { count: 100, exactPercent: 90, withinTwoPercent: 99 },
  'response_format:json_schema': { count: 45, exactPercent: 97, withinTwoPercent: 97 },
  assistant_tool_calls_in_history: { count: 50, exactPercent: 85, withinTwoPercent: 96 },
};

describe('prompt estimates on the recorded exchanges', () => {
  const summaries = measurePromptAccuracy();

  it.each(summaries)('$category stays above its thresholds', (summary) => {
    expectAboveThreshold({ summary, thresholds });
  });
});
