import { expect } from 'vitest';
import type { AccuracySummary } from './summarize-errors.js';

/** The floor one category of the accuracy gate must stay above. */
export interface AccuracyThreshold {
  count: number;
  exactPercent: number;
  withinTwoPercent: number;
}

/**
 * The accuracy gate's check of one category: it has a threshold, compared at least `count`
 * estimates, and its exact and within-±2 shares reach the threshold's.
 */
export function expectAboveThreshold({
  summary,
  thresholds,
}: {
  summary: AccuracySummary;
  thresholds: Readonly<Record<string, AccuracyThreshold>>;
}): void {
  const threshold = thresholds[summary.category];
  expect(threshold, summary.category).toBeDefined();
  expect(summary.count).toBeGreaterThanOrEqual(threshold?.count ?? Number.POSITIVE_INFINITY);
  expect(summary.exactPercent).toBeGreaterThanOrEqual(threshold?.exactPercent ?? 100);
  expect(summary.withinTwoPercent).toBeGreaterThanOrEqual(threshold?.withinTwoPercent ?? 100);
}
