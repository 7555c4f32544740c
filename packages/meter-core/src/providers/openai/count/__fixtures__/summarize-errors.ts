/**
 * Accuracy of estimates in one category: how many were compared, the share exact and within
 * ±2 tokens (percent, one decimal), and the mean absolute error.
 */
export interface AccuracySummary {
  category: string;
  count: number;
  exactPercent: number;
  withinTwoPercent: number;
  meanAbsoluteError: number;
}

function percent({ part, whole }: { part: number; whole: number }): number {
  return whole === 0 ? 0 : Math.round((1000 * part) / whole) / 10;
}

/** Summarizes the signed errors (estimate − recorded usage) of one category. */
export function summarizeErrors({
  category,
  errors,
}: {
  category: string;
  errors: readonly number[];
}): AccuracySummary {
  const absolute = errors.map((error) => Math.abs(error));
  return {
    category,
    count: errors.length,
    exactPercent: percent({
      part: absolute.filter((error) => error === 0).length,
      whole: errors.length,
    }),
    withinTwoPercent: percent({
      part: absolute.filter((error) => error <= 2).length,
      whole: errors.length,
    }),
    meanAbsoluteError:
      errors.length === 0
        ? 0
        : Math.round((100 * absolute.reduce((sum, error) => sum + error, 0)) / errors.length) / 100,
  };
}
