import { parseArgs } from 'node:util';

/** The command line of `llm-meter-reconcile`. */
export interface ReconcileArguments {
  from: string;
  to: string;
  json: boolean;
  threshold: number;
  costs: boolean;
}

/** `safeParseReconcileArguments`' result: the arguments, or a message for the user. */
export type ParseReconcileArgumentsResult =
  | { success: true; value: ReconcileArguments }
  | { success: false; error: string };

/** Usage line printed with argument errors. */
export const reconcileUsageText =
  'usage: llm-meter-reconcile --from YYYY-MM-DD --to YYYY-MM-DD [--threshold PCT (default 1)] [--json] [--no-costs]';

/**
 * Parses `--from`, `--to` (UTC days, both included), `--threshold` (percent, default 1), `--json`
 * and `--no-costs`; a missing or malformed value is an error naming the option.
 */
export function safeParseReconcileArguments(
  argv: readonly string[],
): ParseReconcileArgumentsResult {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        json: { type: 'boolean', default: false },
        threshold: { type: 'string', default: '1' },
        'no-costs': { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return {
      success: false,
      error: `${error instanceof Error ? error.message : String(error)}\n${reconcileUsageText}`,
    };
  }
  const from = values.from;
  const to = values.to;
  if (typeof from !== 'string' || typeof to !== 'string') {
    return { success: false, error: `--from and --to are required\n${reconcileUsageText}` };
  }
  const thresholdText = String(values.threshold);
  const threshold = Number(thresholdText);
  if (thresholdText.trim() === '' || !Number.isFinite(threshold) || threshold < 0) {
    return {
      success: false,
      error: `--threshold must be a percentage >= 0, got ${JSON.stringify(thresholdText)}`,
    };
  }
  return {
    success: true,
    value: { from, to, json: values.json === true, threshold, costs: values['no-costs'] !== true },
  };
}
