import fc from 'fast-check';
import o200kBase from 'js-tiktoken/ranks/o200k_base';
import { describe, expect, it } from 'vitest';
import { findO200kAsciiPieceEnd, o200kPattern } from './find-o200k-ascii-piece-end.js';
import { withoutCapturingGroups } from './without-capturing-groups.js';

const regex = new RegExp(withoutCapturingGroups(o200kBase.pat_str), 'gu');

function splitByRegex(text: string): string[] {
  return text.match(regex) ?? [];
}

// The tokenizer's split: the hand-written end where it answers, one regex match where it does not.
function splitWithFastPath(text: string): { pieces: string[]; answered: number } {
  const pieces: string[] = [];
  let answered = 0;
  for (let position = 0; position < text.length; ) {
    let end = findO200kAsciiPieceEnd(text, position);
    if (end > 0) {
      answered++;
    } else {
      regex.lastIndex = position;
      regex.exec(text);
      end = regex.lastIndex;
    }
    pieces.push(text.slice(position, end));
    position = end;
  }
  return { pieces, answered };
}

// One character of each class the pattern tells apart, ASCII and not: letters of each case, the
// contraction letters, digits, each kind of whitespace, punctuation (the slash too), and non-ASCII
// letters, marks, digits, spaces, punctuation, emoji and a lone surrogate.
const alphabet = [
  'a',
  'Z',
  's',
  'R',
  'e',
  'l',
  "'",
  '0',
  ' ',
  '\t',
  '\n',
  '\r',
  '\v',
  '.',
  '/',
  '\u0000',
  'é',
  'É',
  'ǅ',
  'ʰ',
  '\u0301',
  '中',
  '²',
  '٣',
  '\u00a0',
  '\u3000',
  '\u2028',
  '«',
  '😀',
  '\ud800',
];

describe('findO200kAsciiPieceEnd', () => {
  it('is written for the pattern js-tiktoken ships for o200k_base', () => {
    expect(o200kBase.pat_str).toBe(o200kPattern);
  });

  it('splits every string of up to 3 characters of the class alphabet like the regex', () => {
    let strings = [''];
    for (let length = 1; length <= 3; length++) {
      strings = strings.flatMap((prefix) => alphabet.map((character) => prefix + character));
      for (const text of strings) {
        const { pieces } = splitWithFastPath(text);
        if (pieces.join('\u0001') !== splitByRegex(text).join('\u0001')) {
          expect({ text, pieces }).toEqual({ text, pieces: splitByRegex(text) });
        }
      }
    }
  });

  it('splits longer mixed strings like the regex', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 40 }),
          fc.string({ unit: 'binary-ascii', maxLength: 60 }),
          fc.string({ unit: 'grapheme', maxLength: 30 }),
        ),
        (text) => {
          expect(splitWithFastPath(text).pieces).toEqual(splitByRegex(text));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it.each([
    { given: "They'LL don't  stop:\r\n\n\tHELLO's 12345 ./a//\n\n  x ", answers: true },
    { given: 'naïve café', answers: false },
  ])('answers on ASCII and leaves non-ASCII to the regex: $given', ({ given, answers }) => {
    const { pieces, answered } = splitWithFastPath(given);
    expect(pieces).toEqual(splitByRegex(given));
    expect(answered === pieces.length).toBe(answers);
  });
});
