import { describe, expect, it } from 'vitest';
import { safeParseCliArguments } from './parse-cli-arguments.js';

describe('safeParseCliArguments', () => {
  it('uses defaults, then environment variables, then flags', () => {
    expect(safeParseCliArguments({ argv: [], env: {}, cwd: '/work' })).toEqual({
      success: true,
      value: {
        port: 8888,
        host: '127.0.0.1',
        dbPath: '/work/.llm-meter/openmeter-local.db',
        dataDir: '/work/.llm-meter',
        createDbFolder: true,
        metersFile: undefined,
        pruneMeters: false,
        apiKey: undefined,
        logLevel: 'info',
        help: false,
      },
    });
    const env = {
      OPENMETER_LOCAL_PORT: '9000',
      OPENMETER_LOCAL_DB: '/tmp/env.db',
      OPENMETER_LOCAL_METERS: 'meters.yaml',
      OPENMETER_LOCAL_API_KEY: 'env-key',
    };
    expect(safeParseCliArguments({ argv: [], env, cwd: '/work' })).toMatchObject({
      value: {
        port: 9000,
        dbPath: '/tmp/env.db',
        createDbFolder: true,
        metersFile: '/work/meters.yaml',
        apiKey: 'env-key',
      },
    });
    const argv = [
      '--port',
      '0',
      '--db',
      ':memory:',
      '--meters',
      'm.yaml',
      '--prune-meters',
      '--api-key',
      'k',
      '--log-level',
      'debug',
    ];
    expect(safeParseCliArguments({ argv, env, cwd: '/work' })).toMatchObject({
      value: {
        port: 0,
        dbPath: ':memory:',
        createDbFolder: false,
        metersFile: '/work/m.yaml',
        pruneMeters: true,
        apiKey: 'k',
        logLevel: 'debug',
      },
    });
  });

  it("defaults to the apps' database in LLM_METER_DATA_DIR, where the command was typed", () => {
    const typedIn = { INIT_CWD: '/home/me/project' };
    expect(safeParseCliArguments({ argv: [], env: typedIn, cwd: '/repo/pkg' })).toMatchObject({
      value: {
        dataDir: '/home/me/project/.llm-meter',
        dbPath: '/home/me/project/.llm-meter/openmeter-local.db',
        createDbFolder: true,
        metersFile: undefined,
      },
    });
    const env = { ...typedIn, LLM_METER_DATA_DIR: 'data', OPENMETER_LOCAL_DB: 'om.db' };
    expect(safeParseCliArguments({ argv: [], env, cwd: '/repo/pkg' })).toMatchObject({
      value: { dataDir: '/home/me/project/data', dbPath: '/home/me/project/data/om.db' },
    });
    // A --db given on the command line is taken as it is: its folder must exist.
    expect(safeParseCliArguments({ argv: ['--db', 'x.db'], env, cwd: '/repo/pkg' })).toMatchObject({
      value: { dbPath: '/home/me/project/x.db', createDbFolder: false },
    });
    const blank = { LLM_METER_DATA_DIR: ' ', OPENMETER_LOCAL_DB: '', OPENMETER_LOCAL_METERS: '' };
    expect(safeParseCliArguments({ argv: [], env: blank, cwd: '/w' })).toMatchObject({
      value: { dbPath: '/w/.llm-meter/openmeter-local.db', metersFile: undefined },
    });
  });

  it('skips the `--` that pnpm forwards', () => {
    expect(
      safeParseCliArguments({ argv: ['--', '--port', '1234'], env: {}, cwd: '/' }),
    ).toMatchObject({
      value: { port: 1234 },
    });
  });

  it('resolves relative paths against INIT_CWD (where pnpm was typed), else the working directory', () => {
    const argv = ['--db', 'data/om.db', '--meters', '../meters.yaml'];
    expect(
      safeParseCliArguments({ argv, env: { INIT_CWD: '/home/me/project' }, cwd: '/repo/pkg' }),
    ).toMatchObject({
      value: { dbPath: '/home/me/project/data/om.db', metersFile: '/home/me/meters.yaml' },
    });
    expect(safeParseCliArguments({ argv, env: {}, cwd: '/repo/pkg' })).toMatchObject({
      value: { dbPath: '/repo/pkg/data/om.db', metersFile: '/repo/meters.yaml' },
    });
  });

  it.each([
    [['--bogus'], "Unknown option '--bogus'"],
    [['--port', 'abc'], '--port must be an integer from 0 to 65535, got "abc"'],
    [['--port', '70000'], '--port must be an integer from 0 to 65535, got "70000"'],
    [
      ['--log-level', 'loud'],
      '--log-level must be one of debug, info, warn, error, silent, got "loud"',
    ],
    [['extra'], 'Unexpected argument'],
    [['--db', ''], '--db must not be empty'],
  ])('refuses %j', (argv, message) => {
    const result = safeParseCliArguments({ argv, env: {}, cwd: '/' });
    expect(result.success).toBe(false);
    expect(result.success ? '' : result.error).toContain(message);
  });
});
