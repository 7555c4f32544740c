// The o200k_base pre-tokenizer pattern as js-tiktoken ships it (with its capturing group): the
// hand-written split below reproduces it on ASCII text, so it is used only for exactly this pattern.
export const o200kPattern =
  "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+('s|'S|'t|'T|'re|'rE|'Re|'RE|'ve|'vE|'Ve|'VE|'m|'M|'ll|'lL|'Ll|'LL|'d|'D)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*('s|'S|'t|'T|'re|'rE|'Re|'RE|'ve|'vE|'Ve|'VE|'m|'M|'ll|'lL|'Ll|'LL|'d|'D)?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

// Classes of the ASCII characters, as the pattern (a JavaScript `u` regex) sees them.
const upper = 1; // \p{Lu}
const lower = 2; // \p{Ll}
const digit = 4; // \p{N}
const space = 8; // \s: tab, line feed, vertical tab, form feed, carriage return, space
const newline = 16; // \r or \n
const other = 32; // everything else: punctuation, symbols, control characters
const letter = upper | lower;

const classes = new Uint8Array(128).fill(other);
for (let code = 65; code <= 90; code++) classes[code] = upper;
for (let code = 97; code <= 122; code++) classes[code] = lower;
for (let code = 48; code <= 57; code++) classes[code] = digit;
for (const code of [9, 11, 12, 32]) classes[code] = space;
classes[10] = space | newline;
classes[13] = space | newline;

// Class of the character at `index`: 0 past the end, -1 for a non-ASCII character (its class
// would need the Unicode tables, so the caller gives up and lets the regex decide).
function classAt(text: string, index: number): number {
  if (index >= text.length) return 0;
  const code = text.charCodeAt(index);
  return code < 128 ? (classes[code] as number) : -1;
}

// End of an optional contraction ('s, 't, 're, 've, 'm, 'll, 'd in any case) at `index`.
function contractionEnd(text: string, index: number): number {
  if (text.charCodeAt(index) !== 39) return index;
  const first = text.charCodeAt(index + 1) | 32; // ASCII lower case; NaN | 32 is 32
  if (first === 115 || first === 116 || first === 109 || first === 100) return index + 2; // s t m d
  const second = text.charCodeAt(index + 2) | 32;
  if ((first === 114 || first === 118) && second === 101) return index + 3; // re ve
  if (first === 108 && second === 108) return index + 3; // ll
  return index;
}

// A run of letters from `from` (which holds an ASCII letter): upper case then lower case, then a
// contraction, as the first two alternatives match it; -1 when a non-ASCII character ends a run.
function letterPieceEnd(text: string, from: number): number {
  let index = from;
  let kind = classAt(text, index);
  while (kind === upper) kind = classAt(text, ++index);
  while (kind === lower) kind = classAt(text, ++index);
  return kind < 0 ? -1 : contractionEnd(text, index);
}

/**
 * End of the o200k_base pre-tokenizer match that starts at `start`, found without the regex, or
 * -1 when the match could depend on a non-ASCII character (the caller then runs the regex). Where
 * it answers it is the regex's answer exactly: each branch below is one alternative of
 * {@link o200kPattern}, tried in the pattern's order, with JavaScript's `\s` and Unicode classes.
 */
export function findO200kAsciiPieceEnd(text: string, start: number): number {
  const kind = classAt(text, start);
  if (kind <= 0) return -1;
  if (kind & letter) return letterPieceEnd(text, start);
  if (kind === digit) {
    // \p{N}{1,3}
    let index = start + 1;
    let next = classAt(text, index);
    while (next === digit && index < start + 3) next = classAt(text, ++index);
    return next < 0 && index < start + 3 ? -1 : index;
  }
  const following = classAt(text, start + 1);
  if (following < 0) return -1;
  // [^\r\n\p{L}\p{N}]? before letters: one character that is neither a line break nor a letter
  // nor a digit (so a space, a tab or punctuation) joins the letters after it.
  if ((kind & newline) === 0 && following & letter) return letterPieceEnd(text, start + 1);
  // " ?[^\s\p{L}\p{N}]+[\r\n/]*": punctuation, after one optional space, then line breaks and
  // slashes (slashes right after the punctuation are part of it; those after a line break are not).
  const punctuationStart = kind === space && text.charCodeAt(start) === 32 ? start + 1 : start;
  let index = punctuationStart;
  let next = index === start ? kind : following;
  if (next === other) {
    while (next === other) next = classAt(text, ++index);
    if (next < 0) return -1;
    while (next > 0 && (next & newline || text.charCodeAt(index) === 47)) {
      next = classAt(text, ++index);
    }
    return index;
  }
  // Whitespace: \s*[\r\n]+ ends after the run's last line break; else \s+(?!\S) leaves the run's
  // last character to the piece after it (unless the text ends), and \s+ takes a single one.
  index = start;
  next = kind;
  let lastNewline = -1;
  while (next > 0 && next & space) {
    if (next & newline) lastNewline = index;
    next = classAt(text, ++index);
  }
  if (next < 0) return -1;
  if (lastNewline >= 0) return lastNewline + 1;
  if (next === 0 || index - start === 1) return index;
  return index - 1;
}
