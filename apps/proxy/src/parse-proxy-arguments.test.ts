import { describe, expect, it } from 'vitest';
import { parseProxyArguments } from './parse-proxy-arguments.js';

describe('parseProxyArguments', () => {
  it.each([
    [[], { success: true, help: false, host: undefined, port: undefined }],
    [['--', '--port', '9000'], { success: true, help: false, host: undefined, port: '9000' }],
    [
      ['--port=9000', '--host', '0.0.0.0'],
      { success: true, help: false, host: '0.0.0.0', port: '9000' },
    ],
    [['--', '--help'], { success: true, help: true, host: undefined, port: undefined }],
    [['-h'], { success: true, help: true, host: undefined, port: undefined }],
    [['--access-log'], { success: true, help: false, accessLog: 'stdout' }],
    [
      ['--access-log', '--port', '1'],
      { success: true, help: false, accessLog: 'stdout', port: '1' },
    ],
    [['--access-log', 'access.jsonl'], { success: true, help: false, accessLog: 'access.jsonl' }],
    [['--access-log=logs/a.jsonl'], { success: true, help: false, accessLog: 'logs/a.jsonl' }],
  ])('reads %o', (argv, expected) => {
    expect(parseProxyArguments(argv)).toEqual(expected);
  });

  it.each([
    [['--verbose'], 'unknown argument "--verbose" (see --help)'],
    [['--port'], '--port needs a value, e.g. --port 9000'],
    [['--host', '--port', '1'], '--host needs a value, e.g. --host 0.0.0.0'],
  ])('refuses %o', (argv, message) => {
    expect(parseProxyArguments(argv)).toEqual({ success: false, message });
  });
});
