// A lone surrogate: a high one not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Whether a string is well-formed UTF-16 (no lone surrogate), i.e. survives the UTF-8 round
 * trip through SQLite unchanged.
 */
export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/**
 * A problem `findJsonProblem` found: the dotted path of the offending member and what is wrong.
 */
export interface JsonProblem {
  field: string;
  message: string;
}

interface Frame {
  value: unknown;
  depth: number;
  parent: Frame | undefined;
  key: string | number | undefined;
}

function describePath(frame: Frame): string {
  const parts: string[] = [];
  for (let current: Frame | undefined = frame; current?.key !== undefined; ) {
    parts.push(typeof current.key === 'number' ? `[${current.key}]` : `.${current.key}`);
    current = current.parent;
  }
  return parts.reverse().join('').replace(/^\./, '');
}

/**
 * Walks a parsed JSON value without recursion (so any depth is safe) and reports the first
 * object or array nested deeper than `maxDepth` (the value itself is depth 1) or the first key or
 * string holding a lone surrogate, which SQLite would store as U+FFFD, so that what is stored
 * would differ from what was sent.
 */
export function findJsonProblem({
  value,
  maxDepth,
}: {
  value: unknown;
  maxDepth: number;
}): JsonProblem | undefined {
  const stack: Frame[] = [{ value, depth: 1, parent: undefined, key: undefined }];
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    const current = frame.value;
    if (typeof current === 'string') {
      if (!isWellFormedText(current)) {
        return {
          field: describePath(frame),
          message: 'holds a lone UTF-16 surrogate (ill-formed Unicode): send well-formed text',
        };
      }
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (frame.depth > maxDepth) {
      return {
        field: describePath(frame),
        message: `nests objects and arrays deeper than the limit of ${maxDepth} levels`,
      };
    }
    if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index--) {
        stack.push({ value: current[index], depth: frame.depth + 1, parent: frame, key: index });
      }
      continue;
    }
    for (const [key, member] of Object.entries(current)) {
      const child: Frame = { value: member, depth: frame.depth + 1, parent: frame, key };
      if (!isWellFormedText(key)) {
        return {
          field: describePath(child),
          message: 'has a key holding a lone UTF-16 surrogate: send well-formed text',
        };
      }
      stack.push(child);
    }
  }
  return undefined;
}
