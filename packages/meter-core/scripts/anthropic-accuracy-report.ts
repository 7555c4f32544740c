/**
 * Compares the calibrated Anthropic estimates (output from streamed text, prompts from the
 * request) with Anthropic's own usage on the recorded exchanges in ../shared/fixtures/anthropic/
 * and prints a Markdown table of the relative error per category, on the sources the model was
 * fitted on and on those held out (src/providers/anthropic/count/anthropic-estimate-accuracy.test.ts
 * fails past its thresholds on the held-out ones).
 * Run: pnpm accuracy-report:anthropic
 */
import {
  measureAnthropicEstimates,
  summarizeAnthropicEstimates,
} from '../src/providers/anthropic/count/__fixtures__/measure-anthropic-estimates.js';

const rows = summarizeAnthropicEstimates(measureAnthropicEstimates()).map(
  (summary) =>
    `| ${summary.category} | ${summary.heldOut ? 'held out' : 'fitted'} | ${summary.count} | ${summary.medianAbsolutePercent} % | ${summary.p90AbsolutePercent} % | ${summary.withinTenPercent} % | ${summary.meanSignedPercent > 0 ? '+' : ''}${summary.meanSignedPercent} % |`,
);
console.log(
  [
    '| category | sources | estimates | median abs. error | p90 abs. error | within ±10 % | mean signed error |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n'),
);
