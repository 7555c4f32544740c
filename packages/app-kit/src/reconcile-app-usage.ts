import {
  createOpenAIUsageReport,
  describeOpenAILimitations,
  formatDriftTable,
  type ReconcileReport,
  reconcileUsage,
} from '@llm-meter/reconcile';
import { AppConfigError } from './app-config-error.js';
import type { AppServices } from './start-services.js';

/** What `reconcileAppUsage` prints: the report, or the one line saying why there is none. */
export type AppReconciliation =
  | { status: 'reconciled'; report: ReconcileReport; text: string }
  | { status: 'skipped'; text: string };

// openai-local bills exactly what it served, so any difference at all is drift; against OpenAI,
// the reconcile command's default.
const localThreshold = 0;
const openaiThreshold = 1;

/**
 * Sets the app's OpenMeter meters beside OpenAI's organisation Usage and Costs APIs (openai-local's
 * on the embedded defaults, OpenAI's with `OPENAI_ADMIN_KEY`) for the UTC days from `from` to
 * `to`, by model and served tier, and renders the drift report. Without an admin key it says so
 * in one line instead.
 */
export async function reconcileAppUsage({
  services,
  from,
  to,
}: {
  services: Pick<AppServices, 'meterReader' | 'openaiAdmin'>;
  from: Date;
  to: Date;
}): Promise<AppReconciliation> {
  const admin = services.openaiAdmin;
  if (admin === undefined) {
    return {
      status: 'skipped',
      text: "Reconciliation with OpenAI's own usage skipped: set OPENAI_ADMIN_KEY (an organisation admin key) to compare the meters with OpenAI's Usage and Costs APIs.",
    };
  }
  const day = (date: Date) => date.toISOString().slice(0, 10);
  let report: ReconcileReport;
  try {
    report = await reconcileUsage({
      openmeter: services.meterReader,
      usageReport: createOpenAIUsageReport({ baseUrl: admin.baseUrl, adminKey: admin.adminKey }),
      from: day(from),
      to: day(to),
      threshold: admin.local ? localThreshold : openaiThreshold,
    });
  } catch (error) {
    throw new AppConfigError(
      `could not reconcile with ${admin.local ? 'openai-local' : 'OpenAI'}'s organisation usage: ${(error as Error).message}${admin.local ? '' : ' (check OPENAI_ADMIN_KEY)'}`,
      { cause: error },
    );
  }
  return {
    status: 'reconciled',
    report,
    text: formatAppReconciliation({ report, against: admin.local ? 'openai-local' : 'OpenAI' }),
  };
}

// The limitations of every reconciliation (those left with every dimension present): the app
// says them in one line and prints in full only those that depend on the meters and the data.
const standingLimitations = new Set(
  describeOpenAILimitations({ serviceTier: true, projectId: true, apiKeyId: true }),
);

/**
 * Renders a reconciliation for the end of an app run: the drift table, the verdict, what the
 * columns mean, and in a few lines what it cannot tell (the reconcile command prints it in full).
 */
export function formatAppReconciliation({
  report,
  against,
}: {
  report: ReconcileReport;
  /** Whose organisation usage it was: `openai-local` or `OpenAI`. */
  against: string;
}): string {
  const days = report.from === report.to ? report.from : `${report.from} to ${report.to}`;
  const lines = [
    `Reconciliation of ${days} (UTC days): OpenMeter's meters beside ${against}'s organisation Usage and Costs APIs:`,
    formatDriftTable({
      rows: report.rows,
      dimensions: report.dimensions,
      threshold: report.threshold,
    }),
    report.pastThreshold === 0
      ? `No drift past ${report.threshold}%.`
      : `${report.pastThreshold} row(s) drift past ${report.threshold}% (marked !).`,
  ];
  if (report.rows.some((row) => row.estimated > 0 || row.settled !== 0)) {
    lines.push(
      "estimated: metered tokens that are estimates (streams that ended without usage); settled: the corrections that settled them to the provider's usage. An estimate not settled yet drifts.",
    );
  }
  if (report.unpriced.length > 0) {
    lines.push(`Left out of the metered cost (unpriced): ${report.unpriced.join('; ')}`);
  }
  lines.push(
    "Not compared: your customers (OpenAI's usage has no end-customer dimension; one OpenAI project or API key per customer would be needed), other line items of OpenAI's bill, request counts.",
    ...report.limitations.filter((line) => !standingLimitations.has(line)),
  );
  return lines.join('\n');
}
