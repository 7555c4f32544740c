import type { FunctionDefinitionInput } from './count-function-definition-tokens.js';

type Schema = { readonly [key: string]: unknown };

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function renderComment(text: string): string {
  return `// ${text.trim()}\n`;
}

function renderUnion(variants: readonly unknown[]): string {
  return variants.map((variant) => renderType(variant)).join(' | ');
}

function renderType(schema: unknown): string {
  if (!isSchema(schema)) return 'any';
  if (Array.isArray(schema.enum)) {
    return schema.enum.map((value: unknown) => JSON.stringify(value)).join(' | ');
  }
  if ('const' in schema) return JSON.stringify(schema.const);
  const variants = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(variants)) return renderUnion(variants);
  if (Array.isArray(schema.type)) {
    return schema.type.map((type: unknown) => renderType({ ...schema, type })).join(' | ');
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
      return schema.items === undefined ? 'any[]' : `${renderType(schema.items)}[]`;
    case 'object':
      return isSchema(schema.properties) && Object.keys(schema.properties).length > 0
        ? `{\n${renderProperties(schema)}}`
        : 'object';
    default:
      return 'any';
  }
}

function renderProperties(schema: Schema): string {
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required : [];
  let text = '';
  for (const [key, property] of Object.entries(properties)) {
    const description = isSchema(property) ? property.description : undefined;
    if (typeof description === 'string' && description !== '') text += renderComment(description);
    const optional = required.includes(key) ? '' : '?';
    const fallback = '';
    text += `${key}${optional}: ${renderType(property)},${fallback}\n`;
  }
  return text;
}

/**
 * Renders function definitions the way OpenAI's chat format presents them to the model: a
 * TypeScript `namespace functions` with one commented type per function and its JSON Schema
 * parameters as an object type.
 * @see https://cookbook.openai.com/articles/openai-harmony#function-calling
 */
export function renderFunctionDefinitions(functions: readonly FunctionDefinitionInput[]): string {
  let text = '# Tools\n\n## functions\n\nnamespace functions {\n\n';
  for (const definition of functions) {
    if (definition.description) text += renderComment(definition.description);
    const parameters = definition.parameters;
    const hasProperties =
      isSchema(parameters?.properties) && Object.keys(parameters.properties).length > 0;
    text += hasProperties
      ? `type ${definition.name ?? ''} = (_: {\n${renderProperties(parameters ?? {})}}) => any;\n\n`
      : `type ${definition.name ?? ''} = () => any;\n\n`;
  }
  return `${text}} // namespace functions`;
}
