// Fields whose values are the caller's own data or schemas, never references to stored objects
// (a metadata value or a JSON schema property may well be called `file_id`).
const opaqueFields = new Set(['metadata', 'parameters', 'schema', 'input_schema', 'json_schema']);

/**
 * Every string field of a JSON body whose name `wanted` accepts, however deeply nested (input
 * items, message content parts, tools, batch requests), as `[name, value]` pairs; arrays of
 * strings under such a name count each element. Metadata and schemas are skipped.
 */
export function findStringFields({
  value,
  wanted,
}: {
  value: unknown;
  wanted: (name: string) => boolean;
}): Array<[name: string, value: string]> {
  const found: Array<[string, string]> = [];
  const visit = (node: unknown, depth: number) => {
    // Request bodies are shallow; a deep one is not walked past what any API nests.
    if (depth > 32 || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const element of node) visit(element, depth + 1);
      return;
    }
    for (const [name, field] of Object.entries(node)) {
      if (opaqueFields.has(name)) continue;
      if (wanted(name)) {
        if (typeof field === 'string') found.push([name, field]);
        else if (Array.isArray(field))
          for (const element of field) if (typeof element === 'string') found.push([name, element]);
      }
      visit(field, depth + 1);
    }
  };
  visit(value, 0);
  return found;
}
