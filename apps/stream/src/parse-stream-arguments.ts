import { defaultAbortGraceMs } from '@llm-meter/metering';

/** The stream app's command line. */
export interface StreamArguments {
  prompts: string[];
  /** Print streamed text (default) or only the per-stream usage lines. */
  quiet: boolean;
  /** Stop the last stream after this many content chunks (one token each from openai-local). */
  abortAfter: number | undefined;
  /**
   * Journal the aborted stream's estimate for settlement but leave it to the next run, so this
   * run's reconciliation shows the drift that settlement closes.
   */
  settleLater: boolean;
  /**
   * How long upstream is read on after the app stopped reading an aborted Claude or Gemini
   * stream, so that an answer ending within it is billed with the provider's own usage.
   */
  abortGraceMs: number;
}

const usageLine =
  'usage: stream [--quiet] [--abort-after N [--settle-later] [--abort-grace-ms MS]] [prompt ...]';

/**
 * Parses `[--quiet] [--abort-after N [--settle-later] [--abort-grace-ms MS]] [prompt ...]`;
 * throws naming a bad flag.
 */
export function parseStreamArguments(argv: readonly string[]): StreamArguments {
  const result: StreamArguments = {
    prompts: [],
    quiet: false,
    abortAfter: undefined,
    settleLater: false,
    abortGraceMs: defaultAbortGraceMs,
  };
  let graceSet = false;
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index] as string;
    if (argument === '--') continue;
    if (argument === '--quiet' || argument === '-q') result.quiet = true;
    else if (argument === '--settle-later') result.settleLater = true;
    else if (argument === '--abort-after' || argument.startsWith('--abort-after=')) {
      const value = argument.includes('=') ? argument.split('=')[1] : argv[++index];
      const count = Number(value);
      if (!Number.isInteger(count) || count < 1) {
        throw new Error(
          `--abort-after takes a whole number of tokens >= 1, got ${JSON.stringify(value)}`,
        );
      }
      result.abortAfter = count;
    } else if (argument === '--abort-grace-ms' || argument.startsWith('--abort-grace-ms=')) {
      const value = argument.includes('=') ? argument.split('=')[1] : argv[++index];
      const ms = Number(value);
      if (value === undefined || value === '' || !Number.isInteger(ms) || ms < 0) {
        throw new Error(
          `--abort-grace-ms takes a whole number of milliseconds >= 0, got ${JSON.stringify(value)}`,
        );
      }
      result.abortGraceMs = ms;
      graceSet = true;
    } else if (argument.startsWith('-')) {
      throw new Error(`unknown flag ${argument}; ${usageLine}`);
    } else result.prompts.push(argument);
  }
  if (result.settleLater && result.abortAfter === undefined) {
    throw new Error(
      `--settle-later needs --abort-after N (only an aborted stream is settled); ${usageLine}`,
    );
  }
  if (graceSet && result.abortAfter === undefined) {
    throw new Error(
      `--abort-grace-ms needs --abort-after N (only an aborted stream has a grace); ${usageLine}`,
    );
  }
  return result;
}
