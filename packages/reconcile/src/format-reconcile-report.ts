import { formatDriftTable } from './format-drift-table.js';
import { formatReconcileVerdict } from './format-reconcile-verdict.js';
import type { ReconcileReport } from './reconcile-usage.js';

/**
 * Renders a reconciliation for people: the drift table, a verdict line, unpriced usage, the
 * limitations and the prices used.
 */
export function formatReconcileReport(report: ReconcileReport): string {
  const lines = [
    `Reconciliation ${report.from} to ${report.to} (UTC days): OpenMeter (metered) against ${report.providerName}'s usage and cost reports`,
    '',
    formatDriftTable({
      rows: report.rows,
      dimensions: report.dimensions,
      threshold: report.threshold,
      reportedBy: report.provider,
    }),
    '',
    formatReconcileVerdict(report),
  ];
  if (report.rows.some((row) => row.estimated > 0)) {
    lines.push(
      "The estimated column shows metered tokens that are estimates (streams that ended without usage); the settled column, the corrections that settled them to the provider's numbers. An estimate not settled yet can drift.",
    );
  }
  if (report.unpriced.length > 0) {
    lines.push(
      '',
      'Unpriced (left out of the metered cost):',
      ...report.unpriced.map((line) => `  ${line}`),
    );
  }
  lines.push('', 'What this cannot tell:', ...report.limitations.map((line) => `  - ${line}`));
  lines.push('', report.prices);
  return lines.join('\n');
}
