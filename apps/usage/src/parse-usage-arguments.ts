import { parseArgs } from 'node:util';

/** The command line of `pnpm usage`. */
export interface UsageArguments {
  /** First UTC day included, `YYYY-MM-DD`; undefined: from the first event. */
  from: string | undefined;
  /** Last UTC day included, `YYYY-MM-DD`; undefined: up to now. */
  to: string | undefined;
  /** Keep these subjects only (OpenMeter's `subject` filter); empty: every subject. */
  subjects: string[];
  /** Keep these models only; empty: every model. */
  models: string[];
  /** Keep these served tiers only (`-` for rows without one); empty: every tier. */
  tiers: string[];
  format: 'table' | 'json' | 'csv';
}

/** `safeParseUsageArguments`' result: the arguments, or a message for the user. */
export type ParseUsageArgumentsResult =
  | { success: true; value: UsageArguments }
  | { success: false; error: string };

/** The usage line printed with `--help` and argument errors. */
export const usageCommandText =
  'usage: pnpm usage [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--subject S]... [--model M]... [--tier T]... [--json | --csv]';

const day = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar day written YYYY-MM-DD (not 2026-02-30, which `Date` would roll over). */
function isDay(value: string): boolean {
  if (!day.test(value)) return false;
  const date = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/**
 * Parses `--from` / `--to` (UTC days, both included), the repeatable filters `--subject`,
 * `--model` and `--tier` (a comma also separates values), and `--json` or `--csv`; a malformed
 * value is an error naming the option.
 */
export function safeParseUsageArguments(argv: readonly string[]): ParseUsageArgumentsResult {
  let values: {
    from?: string | undefined;
    to?: string | undefined;
    subject?: string[] | undefined;
    model?: string[] | undefined;
    tier?: string[] | undefined;
    json?: boolean | undefined;
    csv?: boolean | undefined;
  };
  try {
    ({ values } = parseArgs({
      args: argv.filter((argument) => argument !== '--'),
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        subject: { type: 'string', multiple: true },
        model: { type: 'string', multiple: true },
        tier: { type: 'string', multiple: true },
        json: { type: 'boolean' },
        csv: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return {
      success: false,
      error: `${error instanceof Error ? error.message : String(error)}\n${usageCommandText}`,
    };
  }
  for (const option of ['from', 'to'] as const) {
    const value = values[option];
    if (value !== undefined && !isDay(value)) {
      return {
        success: false,
        error: `--${option} must be a UTC day YYYY-MM-DD, got ${JSON.stringify(value)}`,
      };
    }
  }
  if (values.from !== undefined && values.to !== undefined && values.from > values.to) {
    return {
      success: false,
      error: `--from ${values.from} is after --to ${values.to}: the range would be empty`,
    };
  }
  if (values.json && values.csv) {
    return { success: false, error: `--json and --csv exclude each other\n${usageCommandText}` };
  }
  const split = (list: string[] | undefined) =>
    (list ?? []).flatMap((value) => value.split(',')).filter((value) => value !== '');
  return {
    success: true,
    value: {
      from: values.from,
      to: values.to,
      subjects: split(values.subject),
      models: split(values.model),
      tiers: split(values.tier),
      format: values.json ? 'json' : values.csv ? 'csv' : 'table',
    },
  };
}
