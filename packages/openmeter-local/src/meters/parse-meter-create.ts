import type { MeterAggregation, MeterCreate } from '../openmeter-types.js';
import { safeCompileJsonPath } from './compile-json-path.js';

const AGGREGATIONS: readonly MeterAggregation[] = [
  'SUM',
  'COUNT',
  'UNIQUE_COUNT',
  'AVG',
  'MIN',
  'MAX',
  'LATEST',
];
const SLUG = /^[a-z0-9]+(?:_[a-z0-9]+)*$/;
const GROUP_BY_KEY = /^[A-Za-z0-9_]+$/;

/**
 * What `safeParseMeterCreate` returns: a clean definition or every problem found.
 * @see https://openmeter.io/docs/cloud/meters
 */
export type ParseMeterCreateResult =
  | { success: true; value: MeterCreate }
  | { success: false; errors: string[] };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks a meter definition (API body or an entry of a `meters:` config file) as OpenMeter
 * does: slug format, known aggregation, `valueProperty` required except for COUNT, JSONPath
 * syntax of `valueProperty` and every `groupBy` entry.
 * @see https://openmeter.io/docs/cloud/meters
 */
export function safeParseMeterCreate(candidate: unknown): ParseMeterCreateResult {
  if (!isPlainObject(candidate)) {
    return {
      success: false,
      errors: ['a meter must be a JSON object with slug, eventType and aggregation'],
    };
  }
  const errors: string[] = [];
  const { slug, aggregation, eventType, valueProperty, groupBy, name, description, eventFrom } =
    candidate;
  if (typeof slug !== 'string' || !SLUG.test(slug) || slug.length > 64) {
    errors.push(
      'slug must be 1-64 lowercase letters, digits and single underscores, e.g. tokens_total',
    );
  }
  if (typeof aggregation !== 'string' || !AGGREGATIONS.includes(aggregation as MeterAggregation)) {
    errors.push(`aggregation must be one of ${AGGREGATIONS.join(', ')}`);
  }
  if (typeof eventType !== 'string' || eventType.length === 0) {
    errors.push('eventType must be a non-empty string');
  }
  if (valueProperty !== undefined && valueProperty !== null) {
    if (typeof valueProperty !== 'string') errors.push('valueProperty must be a JSONPath string');
    else {
      const compiled = safeCompileJsonPath(valueProperty);
      if (!compiled.success) errors.push(`valueProperty: ${compiled.error}`);
    }
  } else if (aggregation !== 'COUNT') {
    errors.push(`valueProperty is required for ${String(aggregation)} meters, e.g. $.tokens`);
  }
  if (groupBy !== undefined && groupBy !== null) {
    if (!isPlainObject(groupBy)) errors.push('groupBy must be an object of name: JSONPath');
    else {
      for (const [key, path] of Object.entries(groupBy)) {
        if (!GROUP_BY_KEY.test(key) || key === 'subject') {
          errors.push(
            `groupBy key "${key}" must be letters, digits and underscores, and not "subject"`,
          );
        }
        const compiled = typeof path === 'string' ? safeCompileJsonPath(path) : undefined;
        if (!compiled?.success) {
          errors.push(`groupBy.${key}: ${compiled ? compiled.error : 'must be a JSONPath string'}`);
        }
      }
    }
  }
  if (name !== undefined && (typeof name !== 'string' || name.length === 0 || name.length > 256)) {
    errors.push('name must be a string of 1-256 characters');
  }
  if (description !== undefined && (typeof description !== 'string' || description.length > 1024)) {
    errors.push('description must be a string of at most 1024 characters');
  }
  let eventFromText: string | undefined;
  if (eventFrom !== undefined && eventFrom !== null) {
    const text = eventFrom instanceof Date ? eventFrom.toISOString() : eventFrom;
    if (typeof text !== 'string' || Number.isNaN(Date.parse(text))) {
      errors.push('eventFrom must be an RFC 3339 date-time');
    } else eventFromText = text;
  }
  if (errors.length > 0) return { success: false, errors };

  const meter: MeterCreate = {
    slug: slug as string,
    aggregation: aggregation as MeterAggregation,
    eventType: eventType as string,
  };
  if (typeof name === 'string') meter.name = name;
  if (typeof description === 'string') meter.description = description;
  if (typeof valueProperty === 'string' && aggregation !== 'COUNT')
    meter.valueProperty = valueProperty;
  if (eventFromText) meter.eventFrom = eventFromText;
  if (isPlainObject(groupBy) && Object.keys(groupBy).length > 0) {
    meter.groupBy = Object.fromEntries(
      Object.entries(groupBy).map(([key, path]) => [key, String(path)]),
    );
  }
  return { success: true, value: meter };
}
