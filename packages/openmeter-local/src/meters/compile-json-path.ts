/**
 * A JSONPath reduced to the property names and array indexes it walks.
 */
export type JsonPathSegments = ReadonlyArray<string | number>;

/**
 * What `safeCompileJsonPath` returns.
 */
export type CompileJsonPathResult =
  | { success: true; value: JsonPathSegments }
  | { success: false; error: string };

const NAME = /^[A-Za-z_$][\w$-]*/;

/**
 * Compiles the JSONPath subset meters use to read event data: `$.tokens`, `$.usage.input`,
 * `$["model name"]`, `$['model']`, `$.items[0]`. Wildcards, filters and recursive descent are
 * refused with a message, because a meter must pick exactly one value.
 */
export function safeCompileJsonPath(path: string): CompileJsonPathResult {
  if (!path.startsWith('$')) {
    return {
      success: false,
      error: `JSONPath "${path}" must start with "$", for example $.tokens`,
    };
  }
  const segments: Array<string | number> = [];
  let rest = path.slice(1);
  while (rest.length > 0) {
    if (rest.startsWith('..')) {
      return {
        success: false,
        error: `JSONPath "${path}": recursive descent ".." is not supported`,
      };
    }
    if (rest.startsWith('.')) {
      const name = NAME.exec(rest.slice(1));
      if (!name)
        return { success: false, error: `JSONPath "${path}": expected a property name after "."` };
      segments.push(name[0]);
      rest = rest.slice(1 + name[0].length);
      continue;
    }
    const quoted = /^\[\s*(['"])((?:\\.|(?!\1).)*)\1\s*\]/.exec(rest);
    if (quoted) {
      segments.push((quoted[2] ?? '').replace(/\\(.)/g, '$1'));
      rest = rest.slice(quoted[0].length);
      continue;
    }
    const index = /^\[\s*(\d+)\s*\]/.exec(rest);
    if (index) {
      segments.push(Number(index[1]));
      rest = rest.slice(index[0].length);
      continue;
    }
    return {
      success: false,
      error: `JSONPath "${path}": unsupported syntax at "${rest}"; use $.name, $['name'] or $.name[0]`,
    };
  }
  return { success: true, value: segments };
}

/**
 * Reads the value a compiled JSONPath points at, or `undefined` when any step is missing.
 */
export function readJsonPath({
  root,
  segments,
}: {
  root: unknown;
  segments: JsonPathSegments;
}): unknown {
  let current: unknown = root;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    if (typeof segment === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[segment];
    } else {
      if (Array.isArray(current) || !Object.hasOwn(current, segment)) return undefined;
      current = (current as Record<string, unknown>)[segment];
    }
  }
  return current;
}
