import type { FunctionDefinitionInput } from './count-function-definition-tokens.js';

type Schema = { readonly [key: string]: unknown };

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Renders text as comment lines: one `// <line>` per line, trimmed, an empty line as a bare `//`;
 * empty text renders nothing.
 */
export function renderCommentLines(text: unknown): string {
  if (typeof text !== 'string' || text.trim() === '') return '';
  return text
    .trim()
    .split('\n')
    .map((line) => (line.trim() === '' ? '//\n' : `// ${line.trim()}\n`))
    .join('');
}

// `$ref`s point into the root schema's `$defs` (or the older `definitions`).
function resolveReference({ schema, root }: { schema: Schema; root: Schema }): Schema {
  const reference = schema.$ref;
  if (typeof reference !== 'string') return schema;
  const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(reference);
  const definitions = match ? root[match[1] ?? ''] : undefined;
  const target = isSchema(definitions) ? definitions[match?.[2] ?? ''] : undefined;
  return isSchema(target) ? { ...target, ...withoutKey(schema, '$ref') } : schema;
}

function withoutKey(schema: Schema, key: string): Schema {
  return Object.fromEntries(Object.entries(schema).filter(([name]) => name !== key));
}

function hasProperties(schema: Schema): boolean {
  return isSchema(schema.properties) && Object.keys(schema.properties).length > 0;
}

function renderType({ schema: given, root }: { schema: unknown; root: Schema }): string {
  if (!isSchema(given)) return 'any';
  const schema = resolveReference({ schema: given, root });
  if (Array.isArray(schema.enum)) {
    return schema.enum.map((value: unknown) => JSON.stringify(value)).join(' | ');
  }
  if ('const' in schema) return JSON.stringify(schema.const);
  const variants = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(variants)) {
    return variants.map((variant: unknown) => renderType({ schema: variant, root })).join(' | ');
  }
  if (Array.isArray(schema.type)) {
    return schema.type
      .map((type: unknown) => renderType({ schema: { ...schema, type }, root }))
      .join(' | ');
  }
  switch (schema.type) {
    case 'string':
      return 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      return schema.items === undefined
        ? 'any[]'
        : `${renderType({ schema: schema.items, root })}[]`;
    case 'object':
      if (!hasProperties(schema)) return 'object';
      return `{\n${renderProperties({ schema, root })}}`;
    default:
      return 'any';
  }
}

function renderDefault({ property, root }: { property: unknown; root: Schema }): string {
  if (!isSchema(property) || !('default' in property)) return '';
  const value = property.default;
  const isEnum = Array.isArray(resolveReference({ schema: property, root }).enum);
  const text = typeof value === 'string' && isEnum ? value : JSON.stringify(value);
  return ` // default: ${text}`;
}

function renderProperties({ schema, root }: { schema: Schema; root: Schema }): string {
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required : [];
  let text = '';
  for (const [key, property] of Object.entries(properties)) {
    if (isSchema(property)) {
      // A `$ref`'s target brings its title and description, as if written in place.
      const resolved = resolveReference({ schema: property, root });
      text += renderCommentLines(resolved.title);
      text += renderCommentLines(resolved.description);
    }
    const optional = required.includes(key) ? '' : '?';
    text += `${key}${optional}: ${renderType({ schema: property, root })},${renderDefault({ property, root })}\n`;
  }
  return text;
}

/**
 * Renders function definitions the way OpenAI's chat format presents them to the model: a
 * TypeScript-like `namespace functions` with the description as comments and the JSON Schema
 * parameters as an object type, one property per line.
 */
export function renderFunctionDefinitions(functions: readonly FunctionDefinitionInput[]): string {
  let text = '# Tools\n\n## functions\n\nnamespace functions {\n\n';
  for (const definition of functions) {
    text += renderCommentLines(definition.description);
    const parameters = isSchema(definition.parameters) ? definition.parameters : {};
    text += renderCommentLines(parameters.title);
    text += hasProperties(parameters)
      ? `type ${definition.name ?? ''} = (_: {\n${renderProperties({ schema: parameters, root: parameters })}}) => any;\n\n`
      : `type ${definition.name ?? ''} = () => any;\n\n`;
  }
  return `${text}} // namespace functions`;
}
