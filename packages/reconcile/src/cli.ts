#!/usr/bin/env node
import {
  createOpenMeterClient,
  type OpenMeterMeterReader,
  resolveOpenMeterApi,
} from '@llm-meter/openmeter-client';
import { createOpenMeterV3Client, createV3MeterReader } from '@llm-meter/openmeter-client/v3';
import { formatReconcileReport } from './format-reconcile-report.js';
import { reconcileUsageText, safeParseReconcileArguments } from './parse-reconcile-arguments.js';
import { listUsageReportProviders } from './providers/registry.js';
import { type ReconcileReport, reconcileUsage } from './reconcile-usage.js';
import type { UsageReportClient } from './usage-report-client.js';

// Exit statuses: 0 no drift past the threshold, 1 drift past it, 2 the command could not run.
async function main(): Promise<number> {
  const providers = listUsageReportProviders();
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(`${reconcileUsageText}

Sets OpenMeter's metered tokens (by day, model and served tier) beside each provider's own usage
report, and their cost beside its cost report, for the UTC days --from to --to (both included):
OpenAI's organisation Usage and Costs APIs, Anthropic's Admin API usage and cost reports, for
every provider whose key is set (Gemini has no usage API: the report says so). Prints one drift
table per provider (--json: { reports, notReconciled }) and exits 1 when a row drifts past
--threshold percent of the provider's figure, 2 when it cannot run. A row the provider reports
nothing for (% n/a) is drift at any threshold.

Environment: OPENMETER_URL and OPENMETER_API_KEY (OPENMETER_API_VERSION=v3 reads OpenMeter's
v3 API, the default for a Kong Konnect URL), and per provider:
${providers.map((provider) => `  ${provider.name}: ${provider.environmentHelp.replace(/\n/g, ' ')}`).join('\n')}
Provider usage has no end-customer dimension: reconciling per customer needs one project,
workspace or key per customer.`);
    return 0;
  }
  const parsed = safeParseReconcileArguments(process.argv.slice(2));
  if (!parsed.success) {
    console.error(parsed.error);
    return 2;
  }
  const clients: UsageReportClient[] = [];
  const notReconciled: Array<{ provider: string; name: string; reason: string }> = [];
  for (const provider of providers) {
    const created = provider.createFromEnvironment(process.env);
    if (created.success) clients.push(created.value);
    else notReconciled.push({ provider: provider.id, name: provider.name, reason: created.error });
  }
  if (clients.length === 0) {
    for (const { reason } of notReconciled) console.error(reason);
    return 2;
  }
  const openmeterUrl = process.env.OPENMETER_URL;
  if (!openmeterUrl) {
    console.error(
      'OPENMETER_URL is not set: point it at the OpenMeter that holds the metered events (and OPENMETER_API_KEY if it needs one).',
    );
    return 2;
  }
  const args = parsed.value;
  // OPENMETER_API_VERSION=v3 (or a Kong Konnect URL) reads the meters through the v3 API.
  let api: ReturnType<typeof resolveOpenMeterApi>;
  try {
    api = resolveOpenMeterApi({
      url: openmeterUrl,
      apiVersion: process.env.OPENMETER_API_VERSION || undefined,
    });
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const apiKey = process.env.OPENMETER_API_KEY || undefined;
  const openmeter: OpenMeterMeterReader =
    api.apiVersion === 'v3'
      ? createV3MeterReader({ client: createOpenMeterV3Client({ baseUrl: api.baseUrl, apiKey }) })
      : createOpenMeterClient({ baseUrl: api.baseUrl, apiKey });
  const reports: ReconcileReport[] = [];
  for (const usageReport of clients) {
    reports.push(
      await reconcileUsage({
        openmeter,
        usageReport,
        from: args.from,
        to: args.to,
        threshold: args.threshold,
        costs: args.costs,
      }),
    );
  }
  if (args.json) {
    console.log(JSON.stringify({ reports, notReconciled }, null, 2));
  } else {
    const sections = reports.map((report) => formatReconcileReport(report));
    if (notReconciled.length > 0) {
      sections.push(
        [
          'Not reconciled:',
          ...notReconciled.map(({ name, reason }) => `  ${name}: ${reason}`),
        ].join('\n'),
      );
    }
    console.log(sections.join('\n\n'));
  }
  return reports.some((report) => report.pastThreshold > 0) ? 1 : 0;
}

main().then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 2;
  },
);
