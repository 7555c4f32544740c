import { safeParseRfc3339 } from '@llm-meter/meter-core/cloudevents';

/**
 * Parses an RFC 3339 date-time (`2024-01-01T00:00:00.001Z`, `...+01:00`) to milliseconds since
 * the epoch with meter-core's strict parser (the one `parseCloudEvent` uses):
 * years 0000-0099 kept as written, no impossible dates. Returns `undefined` for anything else.
 */
export function parseRfc3339(text: string): number | undefined {
  const result = safeParseRfc3339(text);
  return result.success ? result.value : undefined;
}

/**
 * Formats milliseconds since the epoch as RFC 3339 in UTC, the way OpenMeter answers
 * (`2024-01-01T00:00:00Z`, with milliseconds only when they are not zero).
 */
export function formatRfc3339(milliseconds: number): string {
  const text = new Date(milliseconds).toISOString();
  return text.endsWith('.000Z') ? `${text.slice(0, -5)}Z` : text;
}
