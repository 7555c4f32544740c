import type { MeterDefinition } from './usage-meters.js';

// JSON strings are valid YAML double-quoted scalars, so quoting with JSON.stringify is always safe.
const quote = (value: string) => JSON.stringify(value);

/**
 * Renders meters in OpenMeter's config file format (a `meters:` list of slug, description,
 * eventType, aggregation, valueProperty and groupBy); the config format has no `name`.
 */
export function convertMetersToYaml(meters: readonly MeterDefinition[]): string {
  const lines = [
    '# OpenMeter meter definitions for @llm-meter/meter-core events.',
    '# Kept equal to src/meters/usage-meters.ts by src/meters/usage-meters.test.ts.',
    'meters:',
  ];
  for (const meter of meters) {
    lines.push(
      `  - slug: ${meter.slug}`,
      `    description: ${quote(meter.description)}`,
      `    eventType: ${quote(meter.eventType)}`,
      `    aggregation: ${meter.aggregation}`,
      ...(meter.valueProperty === undefined
        ? []
        : [`    valueProperty: ${quote(meter.valueProperty)}`]),
      '    groupBy:',
      ...Object.entries(meter.groupBy).map(([key, path]) => `      ${key}: ${quote(path)}`),
    );
  }
  return `${lines.join('\n')}\n`;
}
