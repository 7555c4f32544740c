import { describe, expect, it } from 'vitest';
import {
  type EstimateCategory,
  measureAnthropicEstimates,
  summarizeAnthropicEstimates,
} from './__fixtures__/measure-anthropic-estimates.js';

// The gate on the calibrated estimates, on the sources held out of the fit only (the fitted
// ones would flatter it). Thresholds sit a little outside what the model reaches
// (`pnpm accuracy-report:anthropic`; figures in the package README).
const heldOutThresholds: Partial<
  Record<
    EstimateCategory,
    { count: number; medianAbsolutePercent: number; withinTenPercent: number }
  >
> = {
  output_text: { count: 250, medianAbsolutePercent: 7, withinTenPercent: 75 },
  output_tool_calls: { count: 45, medianAbsolutePercent: 12, withinTenPercent: 50 },
  prompt_text: { count: 150, medianAbsolutePercent: 11, withinTenPercent: 50 },
  prompt_tools: { count: 90, medianAbsolutePercent: 18, withinTenPercent: 12 },
};

describe('Anthropic estimates on the recorded exchanges', () => {
  const summaries = summarizeAnthropicEstimates(measureAnthropicEstimates());

  it.each(Object.entries(heldOutThresholds))(
    '%s on held-out sources stays within its threshold',
    (category, threshold) => {
      const summary = summaries.find(
        (candidate) => candidate.category === category && candidate.heldOut,
      );
      expect(summary?.count).toBeGreaterThanOrEqual(threshold.count);
      expect(summary?.medianAbsolutePercent).toBeLessThanOrEqual(threshold.medianAbsolutePercent);
      expect(summary?.withinTenPercent).toBeGreaterThanOrEqual(threshold.withinTenPercent);
    },
  );
});
