#!/usr/bin/env node
import { createOpenMeterClient } from '@llm-meter/openmeter-client';
import { formatReconcileReport } from './format-reconcile-report.js';
import { reconcileUsageText, safeParseReconcileArguments } from './parse-reconcile-arguments.js';
import { defaultUsageReportProvider, getUsageReportProvider } from './providers/registry.js';
import { reconcileUsage } from './reconcile-usage.js';

// Exit statuses: 0 no drift past the threshold, 1 drift past it, 2 the command could not run.
async function main(): Promise<number> {
  const provider = getUsageReportProvider(defaultUsageReportProvider);
  if (provider === undefined) {
    console.error(`no usage report client is registered for ${defaultUsageReportProvider}`);
    return 2;
  }
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(`${reconcileUsageText}

Sets OpenMeter's metered tokens (by day, model and served tier) beside OpenAI's organisation
Usage API (its completions and embeddings reports), and their cost beside the Costs API, for the
UTC days --from to --to (both included). Prints the drift table (--json: the report as JSON) and
exits 1 when a row drifts past --threshold percent of OpenAI's figure, 2 when it cannot run. A
row OpenAI reports nothing for (% n/a: usage OpenAI does not know) is drift at any threshold.

Environment: ${provider.environmentHelp}, OPENMETER_URL and OPENMETER_API_KEY. OpenAI's usage has no
end-customer dimension: reconciling per customer needs one OpenAI project or key per customer.`);
    return 0;
  }
  const parsed = safeParseReconcileArguments(process.argv.slice(2));
  if (!parsed.success) {
    console.error(parsed.error);
    return 2;
  }
  const usageReport = provider.createFromEnvironment(process.env);
  if (!usageReport.success) {
    console.error(usageReport.error);
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
  const report = await reconcileUsage({
    openmeter: createOpenMeterClient({
      baseUrl: openmeterUrl,
      apiKey: process.env.OPENMETER_API_KEY || undefined,
    }),
    usageReport: usageReport.value,
    from: args.from,
    to: args.to,
    threshold: args.threshold,
    costs: args.costs,
  });
  console.log(args.json ? JSON.stringify(report, null, 2) : formatReconcileReport(report));
  return report.pastThreshold > 0 ? 1 : 0;
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
