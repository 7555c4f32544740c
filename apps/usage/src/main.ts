import {
  AppConfigError,
  checkMeters,
  connectOpenMeter,
  explainOpenMeterError,
  formatUsageTable,
  loadAppConfig,
  queryUsageTable,
} from '@llm-meter/app-kit';
import { formatUsageCsv, formatUsageJson } from './format-usage-report.js';
import { safeParseUsageArguments, usageCommandText } from './parse-usage-arguments.js';

// A read-only report: the usage and cost table the apps print after a run, for a range of days,
// from OpenMeter's meters. It makes no LLM call and sends no event.
const help = `${usageCommandText}

Prints the usage and cost table the apps print after a run (OpenMeter's LLM token meters by UTC
day, subject, model and served tier, each row priced at its tier's rates of its day; unpriced rows
say why, never $0), for the UTC days --from to --to (both included; default: every day). It makes
no LLM call and writes nothing to OpenMeter.

  --subject S   only these subjects (repeat it, or separate with commas)
  --model M     only these models
  --tier T      only these served tiers (- for rows without one)
  --json        the rows, totals and prices as JSON (cost_usd null when unpriced)
  --csv         the rows as CSV (RFC 4180), cost_usd empty when unpriced

Reads OPENMETER_URL with OPENMETER_API_KEY (a key that may read meters is enough); without
OPENMETER_URL, the data of the apps' embedded OpenMeter in .llm-meter/ (LLM_METER_DATA_DIR,
OPENMETER_LOCAL_DB), served by openmeter-local for the time of the command.
Exit status: 0 printed, 1 could not run.`;

/** Day after `day` (YYYY-MM-DD) at 00:00 UTC: the excluded end of an inclusive range. */
function startOfNextDay(day: string): Date {
  const date = new Date(`${day}T00:00:00.000Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  const parsed = safeParseUsageArguments(argv);
  if (!parsed.success) {
    process.stderr.write(`error: ${parsed.error}\n`);
    return 1;
  }
  const args = parsed.value;
  // The report itself is stdout; with --json / --csv nothing else may go there.
  const announce = (line: string) =>
    (args.format === 'table' ? process.stdout : process.stderr).write(`${line}\n`);
  const config = loadAppConfig({ app: 'usage', defaults: { models: [], subjects: [] } });
  const connection = await connectOpenMeter({ config, announce, readOnly: true });
  try {
    const url = connection.url;
    await checkMeters({
      client: connection.client,
      url,
      eventType: undefined,
      apiKey: config.openmeter.apiKey,
    });
    const rows = (
      await queryUsageTable({
        client: connection.client,
        from: args.from === undefined ? undefined : new Date(`${args.from}T00:00:00.000Z`),
        to: args.to === undefined ? undefined : startOfNextDay(args.to),
        subjects: args.subjects.length > 0 ? args.subjects : undefined,
      }).catch((error: unknown) => {
        throw explainOpenMeterError({ error, url, apiKey: config.openmeter.apiKey });
      })
    ).filter(
      (row) =>
        (args.models.length === 0 || args.models.includes(row.model)) &&
        (args.tiers.length === 0 || args.tiers.includes(row.serviceTier ?? '-')),
    );
    if (args.format === 'json') {
      process.stdout.write(`${formatUsageJson({ rows, from: args.from, to: args.to })}\n`);
    } else if (args.format === 'csv') {
      process.stdout.write(`${formatUsageCsv(rows)}\r\n`);
    } else {
      const range =
        args.from === undefined && args.to === undefined
          ? 'every day'
          : `${args.from ?? 'the first day'} to ${args.to ?? 'today'}`;
      process.stdout.write(
        `\nUsage and cost by subject, model and served tier (OpenMeter meters, windowSize DAY, UTC), ${range}:\n${formatUsageTable(rows)}\n`,
      );
    }
    return 0;
  } finally {
    await connection.close();
  }
}

main().then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    const explained =
      error instanceof AppConfigError ? error : explainOpenMeterError({ error, url: 'OpenMeter' });
    process.stderr.write(`error: ${explained.message}\n`);
    if (process.env.DEBUG && error instanceof Error && error.stack) {
      process.stderr.write(`${error.stack}\n`);
    }
    process.exitCode = 1;
  },
);
