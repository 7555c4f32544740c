import { describe, expect, it } from 'vitest';
import { withoutCapturingGroups } from './without-capturing-groups.js';

describe('withoutCapturingGroups', () => {
  it.each([
    { given: "('s|'t)?|\\p{N}{1,3}", want: "(?:'s|'t)?|\\p{N}{1,3}" },
    { given: '(?:a)(?=b)(?!c)(d)', want: '(?:a)(?=b)(?!c)(?:d)' },
    { given: '\\(x\\)[(]', want: '\\(x\\)[(]' },
    { given: '[\\](](e)', want: '[\\](](?:e)' },
    { given: '((a)|b)', want: '(?:(?:a)|b)' },
  ])('rewrites $given', ({ given, want }) => {
    expect(withoutCapturingGroups(given)).toBe(want);
  });

  it('keeps the matches of the encodings’ patterns', () => {
    const source =
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
    const text = "It's 2024 — naïve  code(x) { return 'y'; }\n\n  ";
    expect(text.match(new RegExp(withoutCapturingGroups(source), 'gu'))).toEqual(
      text.match(new RegExp(source, 'gu')),
    );
  });
});
