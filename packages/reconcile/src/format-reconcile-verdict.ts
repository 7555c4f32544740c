import type { ReconcileReport } from './reconcile-usage.js';

/**
 * The verdict line of a reconciliation: no drift, or how many rows drift past the threshold, and
 * the rows of known drift (estimates the provider cannot settle) beside it.
 */
export function formatReconcileVerdict(
  report: Pick<ReconcileReport, 'pastThreshold' | 'threshold' | 'knownDrift' | 'providerName'>,
): string {
  const verdict =
    report.pastThreshold === 0
      ? `No drift past ${report.threshold}%`
      : `${report.pastThreshold} row(s) drift past ${report.threshold}% (marked !)`;
  return report.knownDrift > 0
    ? `${verdict}; ${report.knownDrift} row(s) of known drift (marked ~): estimates ${report.providerName} cannot settle.`
    : `${verdict}.`;
}
