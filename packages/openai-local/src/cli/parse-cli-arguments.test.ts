import { describe, expect, it } from 'vitest';
import { safeParseCliArguments } from './parse-cli-arguments.js';

const parse = (argv: string[], env: Record<string, string | undefined> = {}) =>
  safeParseCliArguments({ argv, env, cwd: '/work/here' });

describe('safeParseCliArguments', () => {
  it('reads flags, then OPENAI_LOCAL_* variables, with paths relative to cwd', () => {
    const result = parse(
      [
        '--',
        '--port',
        '8787',
        '--data-dir',
        'data',
        '--serve-tier',
        'flex',
        '--body-limit',
        '1024',
      ],
      { OPENAI_LOCAL_API_KEY: 'sk-env', OPENAI_LOCAL_ADMIN_KEY: 'sk-admin-env' },
    );
    expect(result).toMatchObject({
      success: true,
      value: {
        help: false,
        options: {
          port: 8787,
          dataDir: '/work/here/data',
          serveTier: 'flex',
          bodyLimitBytes: 1024,
          apiKey: 'sk-env',
          adminKey: 'sk-admin-env',
          tokensPerSecond: 50,
        },
      },
    });
    expect(parse(['--model', 'llama3.2', '--model', 'qwen2'])).toMatchObject({
      value: { options: { models: ['llama3.2', 'qwen2'] } },
    });
    expect(parse(['--api-key', 'sk-flag'], { OPENAI_LOCAL_API_KEY: 'sk-env' })).toMatchObject({
      value: { options: { apiKey: 'sk-flag' } },
    });
  });

  it.each([
    { given: ['--nope'], want: "Unknown option '--nope'" },
    { given: ['--port', 'abc'], want: 'invalid --port "abc"' },
    { given: ['--port', '70000'], want: 'invalid --port 70000' },
    { given: ['--serve-tier', 'cheap'], want: 'invalid --serve-tier "cheap"' },
    { given: ['--replay-fallback', 'maybe'], want: 'invalid --replay-fallback "maybe"' },
    { given: ['--body-limit', '0'], want: 'invalid --body-limit "0"' },
    { given: ['--prompt-cache-size', '1.5'], want: 'invalid --prompt-cache-size "1.5"' },
    { given: ['--api-key', ' '], want: 'empty --api-key' },
    { given: ['--model', ' '], want: 'empty --model' },
    { given: ['extra'], want: 'Unexpected argument' },
  ])('refuses $given in one line naming the flag', ({ given, want }) => {
    const result = parse(given);
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error).toContain(want);
    expect(result.error).not.toContain('\n');
  });

  it('answers --help before checking anything else', () => {
    expect(parse(['-h', '--port', 'bad'])).toMatchObject({ success: true, value: { help: true } });
    expect(parse(['--help'])).toMatchObject({ success: true, value: { help: true } });
  });
});
