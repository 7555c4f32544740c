/**
 * Rewrites every capturing group `(...)` of a regular expression source as a non-capturing group
 * `(?:...)`, leaving escapes, character classes and other `(?` groups alone: the same matches,
 * without the cost of recording captures nobody reads.
 */
export function withoutCapturingGroups(source: string): string {
  let result = '';
  let inClass = false;
  for (let index = 0; index < source.length; index++) {
    const character = source.charAt(index);
    if (character === '\\') {
      result += source.slice(index, index + 2);
      index++;
    } else if (inClass) {
      if (character === ']') inClass = false;
      result += character;
    } else if (character === '[') {
      inClass = true;
      result += character;
    } else if (character === '(' && source.charAt(index + 1) !== '?') {
      result += '(?:';
    } else {
      result += character;
    }
  }
  return result;
}
