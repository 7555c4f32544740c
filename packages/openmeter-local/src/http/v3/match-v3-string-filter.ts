import { HttpProblem } from '../http-problem.js';
import type { DeepObject } from './parse-deep-object.js';

/**
 * A v3 `StringFieldFilter` (`filter[provider]=openai`, `filter[model_id][contains]=gpt`) as a
 * test of a value: `eq` (or a bare string), `neq`, `contains` and `ocontains` (case-insensitive),
 * `oeq` (any of comma-separated values). Other operators are a 400 naming them.
 * @see https://github.com/openmeterio/openmeter/blob/main/api/v3/openapi.yaml
 */
export function matchV3StringFilter({
  name,
  filter,
}: {
  name: string;
  filter: string | DeepObject;
}): (value: string | undefined) => boolean {
  const entries = typeof filter === 'string' ? [['eq', filter] as const] : Object.entries(filter);
  const tests = entries.map(([operator, operand]) => {
    if (typeof operand !== 'string') {
      throw new HttpProblem(400, `filter[${name}][${operator}] takes a string`);
    }
    const lower = operand.toLowerCase();
    const list = (text: string) => text.split(',').map((part) => part.trim());
    switch (operator) {
      case 'eq':
        return (value: string) => value === operand;
      case 'neq':
        return (value: string) => value !== operand;
      case 'contains':
        return (value: string) => value.toLowerCase().includes(lower);
      case 'oeq':
        return (value: string) => list(operand).includes(value);
      case 'ocontains':
        return (value: string) => list(lower).some((part) => value.toLowerCase().includes(part));
      default:
        throw new HttpProblem(
          400,
          `filter[${name}][${operator}] is not supported by openmeter-local: use eq, neq, contains, oeq or ocontains`,
        );
    }
  });
  return (value) => value !== undefined && tests.every((test) => test(value));
}
