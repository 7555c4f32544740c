import { describe, it } from 'vitest';
import {
  type AccuracyThreshold,
  expectAboveThreshold,
} from './__fixtures__/expect-above-threshold.js';
import { measurePromptAccuracy } from './__fixtures__/measure-prompt-accuracy.js';

// The accuracy gate on prompts: the estimates against OpenAI's own usage on the recorded
// exchanges of the sources set aside for evaluation (__fixtures__/evaluation-split.ts; the rules
// are never fitted on them), complete prompts only (nothing excluded), records whose text the
// recorder may have normalized left out. Thresholds sit a little below what holds on those
// sources; `pnpm accuracy-report` prints them beside the fitted sources' figures.
const thresholds: Record<string, AccuracyThreshold> = {
  plain_text: { count: 130, exactPercent: 99.5, withinTwoPercent: 99.5 },
  tools_defined: { count: 60, exactPercent: 93, withinTwoPercent: 96 },
  'response_format:json_schema': { count: 45, exactPercent: 95, withinTwoPercent: 95 },
  assistant_tool_calls_in_history: { count: 30, exactPercent: 80, withinTwoPercent: 93 },
  'responses:plain_text': { count: 100, exactPercent: 92, withinTwoPercent: 98 },
  'responses:tools_defined': { count: 50, exactPercent: 40, withinTwoPercent: 60 },
  'responses:text_format:json_schema': { count: 13, exactPercent: 85, withinTwoPercent: 85 },
  'responses:assistant_tool_calls_in_history': {
    count: 27,
    exactPercent: 25,
    withinTwoPercent: 45,
  },
};

describe('prompt estimates on the set-aside recorded sources', () => {
  const summaries = measurePromptAccuracy({ split: 'set-aside' });

  it.each(summaries)('$category stays above its thresholds', (summary) => {
    expectAboveThreshold({ summary, thresholds });
  });
});
