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
}

const usageLine = 'usage: stream [--quiet] [--abort-after N [--settle-later]] [prompt ...]';

/** Parses `[--quiet] [--abort-after N [--settle-later]] [prompt ...]`; throws naming a bad flag. */
export function parseStreamArguments(argv: readonly string[]): StreamArguments {
  const result: StreamArguments = {
    prompts: [],
    quiet: false,
    abortAfter: undefined,
    settleLater: false,
  };
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
    } else if (argument.startsWith('-')) {
      throw new Error(`unknown flag ${argument}; ${usageLine}`);
    } else result.prompts.push(argument);
  }
  if (result.settleLater && result.abortAfter === undefined) {
    throw new Error(
      `--settle-later needs --abort-after N (only an aborted stream is settled); ${usageLine}`,
    );
  }
  return result;
}
