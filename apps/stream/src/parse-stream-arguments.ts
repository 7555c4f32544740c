/** The stream app's command line. */
export interface StreamArguments {
  prompts: string[];
  /** Print streamed text (default) or only the per-stream usage lines. */
  quiet: boolean;
  /** Stop the last stream after this many content chunks (one token each from openai-local). */
  abortAfter: number | undefined;
}

/** Parses `[--quiet] [--abort-after N] [prompt ...]`; throws naming a bad flag. */
export function parseStreamArguments(argv: readonly string[]): StreamArguments {
  const result: StreamArguments = { prompts: [], quiet: false, abortAfter: undefined };
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index] as string;
    if (argument === '--') continue;
    if (argument === '--quiet' || argument === '-q') result.quiet = true;
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
      throw new Error(
        `unknown flag ${argument}; usage: stream [--quiet] [--abort-after N] [prompt ...]`,
      );
    } else result.prompts.push(argument);
  }
  return result;
}
