import {
  createAnthropicUsageReport,
  createOpenAIUsageReport,
  describeAnthropicLimitations,
  describeOpenAILimitations,
  formatDriftTable,
  formatReconcileVerdict,
  getUsageReportProvider,
  type ReconcileReport,
  reconcileUsage,
  type UsageReportClient,
} from '@llm-meter/reconcile';
import { AppConfigError } from './app-config-error.js';
import type { AdminEndpoint, AppServices } from './start-services.js';

/**
 * What `reconcileAppUsage` prints: a report per provider reconciled (OpenAI, Anthropic), and
 * the text: their drift tables, a line per provider skipped (no admin key) and one saying Gemini
 * has no usage API.
 */
export interface AppReconciliation {
  reports: ReconcileReport[];
  text: string;
}

// The simulator bills exactly what it served, so any difference at all is drift; against the
// providers, the reconcile command's default.
const localThreshold = 0;
const providerThreshold = 1;

/** One provider's usage reports as the app reads them. */
interface ReportSource {
  name: string;
  admin: AdminEndpoint | undefined;
  adminKeySetting: string;
  /** What the reports are, as the section header names them (`organisation Usage and Costs APIs`). */
  reports: string;
  create: (admin: AdminEndpoint) => UsageReportClient;
  /** The limitations every reconciliation of this provider has: said in one line, not in full. */
  standing: ReadonlySet<string>;
  notCompared: string;
}

/**
 * Sets the app's OpenMeter meters beside each provider's own usage and cost reports for the UTC
 * days from `from` to `to`, by model and served tier: OpenAI's organisation Usage and Costs APIs
 * and Anthropic's Admin API reports (openai-local's on the embedded defaults; the providers'
 * with `OPENAI_ADMIN_KEY` / `ANTHROPIC_ADMIN_KEY`), and renders one drift report each. A
 * provider without an admin key is one line saying which to set; Gemini is one line saying it
 * has no usage API.
 */
export async function reconcileAppUsage({
  services,
  from,
  to,
}: {
  services: Pick<AppServices, 'meterReader' | 'openaiAdmin' | 'anthropicAdmin'>;
  from: Date;
  to: Date;
}): Promise<AppReconciliation> {
  const sources: ReportSource[] = [
    {
      name: 'OpenAI',
      admin: services.openaiAdmin,
      adminKeySetting: 'OPENAI_ADMIN_KEY (an organisation admin key)',
      reports: 'organisation Usage and Costs APIs',
      create: ({ baseUrl, adminKey }) => createOpenAIUsageReport({ baseUrl, adminKey }),
      standing: new Set(
        describeOpenAILimitations({ serviceTier: true, projectId: true, apiKeyId: true }),
      ),
      notCompared:
        "Not compared: your customers (OpenAI's usage has no end-customer dimension; one OpenAI project or API key per customer would be needed), other line items of OpenAI's bill, request counts.",
    },
    {
      name: 'Anthropic',
      admin: services.anthropicAdmin,
      adminKeySetting: 'ANTHROPIC_ADMIN_KEY (an Admin API key, sk-ant-admin…)',
      reports: 'Admin API usage and cost reports',
      create: ({ baseUrl, adminKey }) => createAnthropicUsageReport({ baseUrl, adminKey }),
      standing: new Set(
        describeAnthropicLimitations({ serviceTier: true, projectId: true, apiKeyId: true }),
      ),
      notCompared:
        "Not compared: your customers (Anthropic's usage report has no end-customer dimension; one workspace or API key per customer would be needed), other line items of Anthropic's bill (web searches, code execution), request counts. Estimates of streams that ended without usage stay estimates (Anthropic returns no past message's usage): a difference within them is known drift (~).",
    },
  ];
  const day = (date: Date) => date.toISOString().slice(0, 10);
  const reports: ReconcileReport[] = [];
  const sections: string[] = [];
  for (const source of sources) {
    const { admin } = source;
    if (admin === undefined) {
      sections.push(
        `Reconciliation with ${source.name}'s own usage skipped: set ${source.adminKeySetting} to compare the meters with ${source.name}'s ${source.reports}.`,
      );
      continue;
    }
    let report: ReconcileReport;
    try {
      report = await reconcileUsage({
        openmeter: services.meterReader,
        usageReport: source.create(admin),
        from: day(from),
        to: day(to),
        threshold: admin.local ? localThreshold : providerThreshold,
      });
    } catch (error) {
      throw new AppConfigError(
        `could not reconcile with ${admin.local ? `openai-local's ${source.name}` : source.name} usage reports: ${(error as Error).message}${admin.local ? '' : ` (check ${source.adminKeySetting.split(' ')[0]})`}`,
        { cause: error },
      );
    }
    reports.push(report);
    sections.push(
      formatAppReconciliation({
        report,
        against: admin.local
          ? `openai-local's ${source.name === 'OpenAI' ? '' : `${source.name} `}${source.reports}`
          : `${source.name}'s ${source.reports}`,
        standing: source.standing,
        notCompared: source.notCompared,
      }),
    );
  }
  const google = getUsageReportProvider('google')?.createFromEnvironment({});
  if (google !== undefined && !google.success) {
    sections.push(`Gemini not reconciled: ${google.error}`);
  }
  return { reports, text: sections.join('\n\n') };
}

/**
 * Renders one provider's reconciliation for the end of an app run: the drift table, the verdict,
 * what the columns mean, and in a few lines what it cannot tell (the reconcile command prints it
 * in full).
 */
export function formatAppReconciliation({
  report,
  against,
  standing = new Set(),
  notCompared,
}: {
  report: ReconcileReport;
  /** Whose reports they were: `openai-local's organisation Usage and Costs APIs`, ... */
  against: string;
  /** Limitations left out (those every reconciliation of the provider has). */
  standing?: ReadonlySet<string> | undefined;
  /** The one line on what is not compared. */
  notCompared?: string | undefined;
}): string {
  const days = report.from === report.to ? report.from : `${report.from} to ${report.to}`;
  const lines = [
    `Reconciliation of ${days} (UTC days): OpenMeter's meters beside ${against}:`,
    formatDriftTable({
      rows: report.rows,
      dimensions: report.dimensions,
      threshold: report.threshold,
      reportedBy: report.provider,
    }),
    formatReconcileVerdict(report),
  ];
  if (report.rows.some((row) => row.estimated > 0 || row.settled !== 0)) {
    lines.push(
      "estimated: metered tokens that are estimates (streams that ended without usage); settled: the corrections that settled them to the provider's usage. An estimate not settled yet drifts.",
    );
  }
  if (report.unpriced.length > 0) {
    lines.push(`Left out of the metered cost (unpriced): ${report.unpriced.join('; ')}`);
  }
  if (notCompared !== undefined) lines.push(notCompared);
  lines.push(...report.limitations.filter((line) => !standing.has(line)));
  return lines.join('\n');
}
