import { expect, test } from 'vitest';
import { parseStreamArguments } from './parse-stream-arguments.js';

test.each([
  {
    given: [],
    want: {
      prompts: [],
      quiet: false,
      abortAfter: undefined,
      settleLater: false,
      abortGraceMs: 200,
    },
  },
  {
    given: ['--', '--quiet', 'hi'],
    want: {
      prompts: ['hi'],
      quiet: true,
      abortAfter: undefined,
      settleLater: false,
      abortGraceMs: 200,
    },
  },
  {
    given: ['--abort-after', '16', 'a', 'b'],
    want: {
      prompts: ['a', 'b'],
      quiet: false,
      abortAfter: 16,
      settleLater: false,
      abortGraceMs: 200,
    },
  },
  {
    given: ['-q', '--abort-after=3', '--settle-later'],
    want: { prompts: [], quiet: true, abortAfter: 3, settleLater: true, abortGraceMs: 200 },
  },
  {
    given: ['--abort-after', '5', '--abort-grace-ms', '0', 'a'],
    want: { prompts: ['a'], quiet: false, abortAfter: 5, settleLater: false, abortGraceMs: 0 },
  },
])('parses $given', ({ given, want }) => {
  expect(parseStreamArguments(given)).toEqual(want);
});

test.each([
  {
    given: ['--abort-after'],
    message: '--abort-after takes a whole number of tokens >= 1, got undefined',
  },
  {
    given: ['--abort-after', '0'],
    message: '--abort-after takes a whole number of tokens >= 1, got "0"',
  },
  {
    given: ['--verbose'],
    message:
      'unknown flag --verbose; usage: stream [--quiet] [--abort-after N [--settle-later] [--abort-grace-ms MS]] [prompt ...]',
  },
  {
    given: ['--settle-later'],
    message: '--settle-later needs --abort-after N (only an aborted stream is settled)',
  },
  {
    given: ['--abort-after', '5', '--abort-grace-ms', '-1'],
    message: '--abort-grace-ms takes a whole number of milliseconds >= 0, got "-1"',
  },
  {
    given: ['--abort-grace-ms=10'],
    message: '--abort-grace-ms needs --abort-after N (only an aborted stream has a grace)',
  },
])('refuses $given', ({ given, message }) => {
  expect(() => parseStreamArguments(given)).toThrow(message);
});
