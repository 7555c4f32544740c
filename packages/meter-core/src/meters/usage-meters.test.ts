import { describe, expect, it } from 'vitest';
import featuresApi from '../../meters/features-api.json' with { type: 'json' };
import metersApi from '../../meters/meters-api.json' with { type: 'json' };
import { convertToTokenTypeEvents } from '../events/convert-to-token-type-events.js';
import { readAnthropicFixtures } from '../providers/anthropic/events/__fixtures__/read-anthropic-fixtures.js';
import type { AnthropicMessageLike } from '../providers/anthropic/events/anthropic-message-types.js';
import { createAnthropicUsageEvent } from '../providers/anthropic/events/create-anthropic-usage-event.js';
import { readGeminiFixtures } from '../providers/gemini/events/__fixtures__/read-gemini-fixtures.js';
import { createGeminiUsageEvent } from '../providers/gemini/events/create-gemini-usage-event.js';
import type { GenerateContentResponseLike } from '../providers/gemini/events/gemini-response-types.js';
import { readOpenAIFixtures } from '../providers/openai/events/__fixtures__/read-openai-fixtures.js';
import type { MeterableResponse } from '../providers/openai/events/response-types.js';
import { toUsageEvent } from '../providers/openai/events/to-usage-event.js';
import { convertMetersToYaml } from './convert-meters-to-yaml.js';
import { openMeterFeatures } from './llm-cost-features.js';
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
const options = {
  subject: 'customer-1',
  now: () => new Date('2026-01-01T00:00:00Z'),
  fallbackId: 'req_1',
};

// Dimensions present only when known (the request's model, the tier the provider reported):
// absent resolves to no group, never to a wrong one.
const optionalGroups = new Set(['$.requested_model', '$.service_tier']);

function expectScalarGroup({ value, path, name }: { value: unknown; path: string; name: string }) {
  if (value === undefined && optionalGroups.has(path)) return;
  expect(typeof value, `${name} ${path}`).toBe('string');
}

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
        expect(typeof resolvePath(event.data, String(meter.valueProperty)), record.name).toBe(
          'number',
        );
        for (const path of Object.values(meter.groupBy)) {
          expectScalarGroup({ value: resolvePath(event.data, path), path, name: record.name });
        }
      }
    }
  });

  // OpenMeter counts an event whose data lacks a SUM meter's value property as invalid: every
  // provider's events carry every meter's number (cache writes too, 0 where none are billed).
  it("read a number from every recorded Anthropic message and Gemini answer's event", () => {
    const anthropic = readAnthropicFixtures()
      .filter((record) => record.endpoint === 'messages' && !record.stream)
      .map((record) =>
        createAnthropicUsageEvent(record.response as AnthropicMessageLike, {
          ...options,
          request: record.request,
        }),
      );
    const gemini = readGeminiFixtures()
      .filter((record) => record.endpoint === 'generateContent')
      .map((record) =>
        createGeminiUsageEvent(record.response as GenerateContentResponseLike, {
          ...options,
          requestedModel: 'gemini-2.5-flash',
        }),
      );
    expect(anthropic.length).toBeGreaterThan(800);
    expect(gemini.length).toBeGreaterThan(800);
    for (const event of [...anthropic, ...gemini]) {
      for (const meter of usageEventMeters) {
        expect(typeof resolvePath(event.data, String(meter.valueProperty)), event.id).toBe(
          'number',
        );
      }
    }
  });

  it('read a number and scalar groups from every token-type event', () => {
    for (const record of records) {
      const usage = toUsageEvent(record.response as unknown as MeterableResponse, options);
      for (const event of convertToTokenTypeEvents({ event: usage })) {
        for (const meter of tokenTypeEventMeters) {
          expect(event.type).toBe(meter.eventType);
          expect(typeof resolvePath(event.data, String(meter.valueProperty))).toBe('number');
          for (const path of Object.values(meter.groupBy)) {
            expectScalarGroup({ value: resolvePath(event.data, path), path, name: record.name });
          }
        }
      }
    }
  });

  it('the features API bodies equal the TypeScript constants', async () => {
    await expect(`${JSON.stringify(openMeterFeatures, null, 2)}\n`).toMatchFileSnapshot(
      '../../meters/features-api.json',
    );
    expect(featuresApi).toEqual(openMeterFeatures);
  });

  it('price a shipped meter by properties its group-by has, in the FeatureCreateInputs shape', () => {
    for (const feature of openMeterFeatures) {
      expect(feature.key).toMatch(/^[a-z0-9]+(?:_[a-z0-9]+)*$/);
      const meter = openMeterMeters.find((candidate) => candidate.slug === feature.meterSlug);
      expect(meter, feature.key).toBeDefined();
      const { type, ...properties } = feature.unitCost;
      expect(type).toBe('llm');
      for (const property of Object.values(properties)) {
        expect(Object.keys(meter?.groupBy ?? {})).toContain(property);
      }
    }
  });

  it("use the token types of OpenMeter's LLM cost lookup, on every recorded response", () => {
    // FeatureLLMUnitCost.tokenType in ../shared/openmeter/openapi.yaml.
    const llmTokenTypes = new Set(['input', 'output', 'cache_read', 'reasoning', 'cache_write']);
    const seen = new Set<string>();
    for (const record of records) {
      const usage = toUsageEvent(record.response as unknown as MeterableResponse, options);
      for (const event of convertToTokenTypeEvents({ event: usage })) {
        expect(llmTokenTypes.has(event.data.type), event.data.type).toBe(true);
        expect(event.data.provider).toBe('openai');
        seen.add(event.data.type);
      }
    }
    expect([...seen].sort()).toEqual(['cache_read', 'cache_write', 'input', 'output']);
  });
});
