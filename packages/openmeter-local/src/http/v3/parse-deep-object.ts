import { HttpProblem } from '../http-problem.js';

/** A `deepObject` query parameter read back into nested objects (`filter[subject][eq]=a`). */
export type DeepObject = { [key: string]: string | DeepObject };

/**
 * Reads the `deepObject` query parameters under `name` (`page[size]=10`,
 * `filter[time][gte]=…`) into nested objects, as the v3 spec declares its `page` and `filter`
 * parameters. A value given twice, or both as a value and as an object, is a 400 naming it.
 * @see https://spec.openapis.org/oas/v3.0.3#style-values
 */
export function parseDeepObject({ url, name }: { url: URL; name: string }): DeepObject {
  const result: DeepObject = {};
  for (const [key, value] of url.searchParams) {
    if (!key.startsWith(`${name}[`)) continue;
    const path = [...key.slice(name.length).matchAll(/\[([^[\]]*)\]/g)].map((match) => match[1]);
    if (path.join('') === '' || `${name}${path.map((part) => `[${part}]`).join('')}` !== key) {
      throw new HttpProblem(400, `The query parameter ${key} is not a ${name}[...] parameter.`);
    }
    let target = result;
    path.forEach((part, index) => {
      const segment = part as string;
      if (index === path.length - 1) {
        if (segment in target)
          throw new HttpProblem(400, `The query parameter ${key} is given twice.`);
        target[segment] = value;
        return;
      }
      const next = target[segment] ?? {};
      if (typeof next === 'string') {
        throw new HttpProblem(400, `The query parameter ${key} is both a value and an object.`);
      }
      target[segment] = next;
      target = next;
    });
  }
  return result;
}
