// Query parameters the spec declares with `content: application/json` rather than a schema
// and style: they travel as one JSON-encoded value.
const jsonParameters = new Set(['advancedMeterGroupByFilters']);

/**
 * Serializes query parameters the way OpenMeter's spec declares them: arrays as repeated
 * keys (`form`, exploded), objects as `deepObject` (`filterGroupBy[model]=gpt-4o`, nested as
 * v3's `filter[subject][eq]=customer-1`), and a
 * `Date` as its RFC 3339 string, and `content: application/json` parameters (such as
 * `advancedMeterGroupByFilters`) as JSON. Undefined and null values are left out.
 */
export function serializeQuery(query: Record<string, unknown> | undefined): string {
  if (!query) return '';
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (jsonParameters.has(key)) {
      search.append(key, JSON.stringify(value));
    } else if (Array.isArray(value)) {
      for (const item of value) search.append(key, convertScalar(item));
    } else if (value instanceof Date || typeof value !== 'object') {
      search.append(key, convertScalar(value));
    } else {
      appendDeepObject({ search, prefix: key, value: value as Record<string, unknown> });
    }
  }
  return search.toString();
}

// v3's filters nest one level more: `filter[subject][eq]=customer-1`, `page[size]=10`.
function appendDeepObject({
  search,
  prefix,
  value,
}: {
  search: URLSearchParams;
  prefix: string;
  value: Record<string, unknown>;
}): void {
  for (const [property, inner] of Object.entries(value)) {
    if (inner === undefined || inner === null) continue;
    const key = `${prefix}[${property}]`;
    if (typeof inner === 'object' && !(inner instanceof Date) && !Array.isArray(inner)) {
      appendDeepObject({ search, prefix: key, value: inner as Record<string, unknown> });
    } else {
      search.append(key, convertScalar(inner));
    }
  }
}

function convertScalar(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}
