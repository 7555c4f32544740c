import { describe, expect, it } from 'vitest';
import metersApi from '../../meters/meters-api.json' with { type: 'json' };
import { readOpenAIFixtures } from '../events/__fixtures__/read-openai-fixtures.js';
import type { MeterableResponse } from '../events/response-types.js';
import { toTokenTypeEvents } from '../events/to-token-type-events.js';
import { toUsageEvent } from '../events/to-usage-event.js';
import { convertMetersToYaml } from './convert-meters-to-yaml.js';
import { openMeterMeters, tokenTypeEventMeters, usageEventMeters } from './usage-meters.js';

// Resolves `$.a.b`, the only JSONPath form the shipped meters use.
function resolvePath(data: Record<string, unknown>, path: string): unknown {
  expect(path).toMatch(/^\$(\.[A-Za-z_][A-Za-z0-9_]*)+$/);
  return path
    .slice(2)
    .split('.')
    .reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], data);
}

const records = readOpenAIFixtures().filter(
  (record) => !record.stream && record.endpoint !== 'completions' && record.usage !== null,
);
const options = { subject: 'customer-1', time: '2026-01-01T00:00:00Z', id: 'req_1' };

describe('shipped meter definitions', () => {
  it('the YAML config file equals the TypeScript constants', async () => {
    await expect(convertMetersToYaml(openMeterMeters)).toMatchFileSnapshot(
      '../../meters/openmeter-meters.yaml',
    );
  });

  it('the meters API bodies equal the TypeScript constants', async () => {
    await expect(`${JSON.stringify(openMeterMeters, null, 2)}\n`).toMatchFileSnapshot(
      '../../meters/meters-api.json',
    );
    expect(metersApi).toEqual(openMeterMeters);
  });

  it('follow the MeterCreate schema', () => {
    const slugs = openMeterMeters.map((meter) => meter.slug);
    expect(new Set(slugs).size).toBe(slugs.length);
    for (const meter of openMeterMeters) {
      expect(meter.slug).toMatch(/^[a-z0-9]+(?:_[a-z0-9]+)*$/);
      expect(meter.slug.length).toBeLessThanOrEqual(64);
      expect(meter.description.length).toBeLessThanOrEqual(1024);
      for (const key of Object.keys(meter.groupBy)) expect(key).toMatch(/^[A-Za-z0-9_]+$/);
    }
  });

  it('read a number and scalar groups from every usage event', () => {
    for (const record of records) {
      const event = toUsageEvent(record.response as unknown as MeterableResponse, options);
      for (const meter of usageEventMeters) {
        expect(event.type).toBe(meter.eventType);
        expect(typeof resolvePath(event.data, meter.valueProperty), record.name).toBe('number');
        for (const path of Object.values(meter.groupBy)) {
          expect(typeof resolvePath(event.data, path), `${record.name} ${path}`).toBe('string');
        }
      }
    }
  });

  it('read a number and scalar groups from every token-type event', () => {
    for (const record of records) {
      for (const event of toTokenTypeEvents(
        record.response as unknown as MeterableResponse,
        options,
      )) {
        for (const meter of tokenTypeEventMeters) {
          expect(event.type).toBe(meter.eventType);
          expect(typeof resolvePath(event.data, meter.valueProperty)).toBe('number');
          for (const path of Object.values(meter.groupBy)) {
            expect(typeof resolvePath(event.data, path), `${record.name} ${path}`).toBe('string');
          }
        }
      }
    }
  });
});
