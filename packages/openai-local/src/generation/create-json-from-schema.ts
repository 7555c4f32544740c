import type { SeededRandom } from './create-seeded-random.js';
import { generateSentences, generateWord } from './generate-sentences.js';

type Schema = Record<string, unknown>;

function isSchema(value: unknown): value is Schema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function resolveReference({ schema, root }: { schema: Schema; root: Schema }): Schema {
  const reference = schema.$ref;
  if (typeof reference !== 'string' || !reference.startsWith('#/')) return schema;
  let target: unknown = root;
  for (const segment of reference.slice(2).split('/')) {
    target = isSchema(target)
      ? target[segment.replaceAll('~1', '/').replaceAll('~0', '~')]
      : undefined;
  }
  return isSchema(target) ? target : {};
}

function firstType(schema: Schema): string | undefined {
  const type = schema.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return type.find((entry) => entry !== 'null') ?? type[0];
  if (isSchema(schema.properties)) return 'object';
  if (schema.items !== undefined) return 'array';
  return undefined;
}

function createValue({
  schema: givenSchema,
  root,
  random,
  depth,
}: {
  schema: unknown;
  root: Schema;
  random: SeededRandom;
  depth: number;
}): unknown {
  if (!isSchema(givenSchema)) return generateWord(random);
  const schema = resolveReference({ schema: givenSchema, root });
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return random.pick(schema.enum);
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) {
      // Prefer a non-null alternative so optional fields still carry a value.
      const choice = options.find((option) => !isSchema(option) || option.type !== 'null');
      return createValue({ schema: choice ?? options[0], root, random, depth });
    }
  }
  switch (firstType(schema)) {
    case 'object': {
      const result: Record<string, unknown> = {};
      const properties = isSchema(schema.properties) ? schema.properties : {};
      const required = Array.isArray(schema.required) ? schema.required : [];
      for (const [name, property] of Object.entries(properties)) {
        // Deep optional branches are left out so recursive schemas terminate.
        if (!required.includes(name) && (depth > 2 || random.next() < 0.3)) continue;
        result[name] = createValue({ schema: property, root, random, depth: depth + 1 });
      }
      if (
        Object.keys(properties).length === 0 &&
        schema.additionalProperties !== false &&
        depth === 0
      ) {
        result.answer = generateSentences({ random, minSentences: 1, maxSentences: 2 });
      }
      return result;
    }
    case 'array': {
      const minimum = typeof schema.minItems === 'number' ? schema.minItems : depth > 2 ? 0 : 1;
      const maximum = Math.max(minimum, typeof schema.maxItems === 'number' ? schema.maxItems : 3);
      const count = random.integer({ min: minimum, max: Math.min(maximum, minimum + 3) });
      return Array.from({ length: count }, () =>
        createValue({ schema: schema.items, root, random, depth: depth + 1 }),
      );
    }
    case 'integer': {
      const minimum = typeof schema.minimum === 'number' ? Math.ceil(schema.minimum) : 0;
      const maximum =
        typeof schema.maximum === 'number' ? Math.floor(schema.maximum) : minimum + 100;
      return random.integer({ min: minimum, max: Math.max(minimum, maximum) });
    }
    case 'number': {
      const minimum = typeof schema.minimum === 'number' ? schema.minimum : 0;
      const maximum = typeof schema.maximum === 'number' ? schema.maximum : minimum + 100;
      return Math.round((minimum + random.next() * (maximum - minimum)) * 100) / 100;
    }
    case 'boolean':
      return random.next() < 0.5;
    case 'null':
      return null;
    default:
      if (schema.format === 'date') return '2025-01-01';
      if (schema.format === 'date-time') return '2025-01-01T00:00:00Z';
      return random.next() < 0.5
        ? generateWord(random)
        : generateSentences({ random, maxSentences: 1 });
  }
}

/**
 * Builds a deterministic JSON value that is valid for common JSON Schemas (objects, arrays,
 * enums, `$ref`, `anyOf`, numeric bounds), for `json_schema` answers and tool-call arguments.
 */
export function createJsonFromSchema({
  schema,
  random,
}: {
  schema: unknown;
  random: SeededRandom;
}): unknown {
  const root = isSchema(schema) ? schema : {};
  return createValue({
    schema: isSchema(schema) ? schema : { type: 'object' },
    root,
    random,
    depth: 0,
  });
}
