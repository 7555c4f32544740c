import type { FeatureDefinition, TokenTypeEvent, UsageEvent } from '@llm-meter/meter-core';
import { describe, expectTypeOf, test } from 'vitest';
import type { OpenMeterClient } from './create-client.js';
import type { components } from './generated/schema.js';
import type { IngestEventInput, MeterQueryParams, OpenMeterEvent } from './types.js';

declare const client: OpenMeterClient;

describe('OpenMeterClient types', () => {
  test('ingest accepts an event with only type, subject and data', () => {
    expectTypeOf(client.events.ingest).toBeCallableWith({ type: 'openai', subject: 'c', data: {} });
    expectTypeOf(client.events.ingest).toBeCallableWith([{ type: 'openai', subject: 'c' }]);
    expectTypeOf<OpenMeterEvent>().toExtend<IngestEventInput>();
  });

  test('ingest requires type and subject', () => {
    // @ts-expect-error subject is missing
    client.events.ingest({ type: 'openai' });
  });

  test('meter query parameters are checked against the spec', () => {
    expectTypeOf<{
      windowSize: 'DAY';
      from: Date;
      subject: string[];
    }>().toExtend<MeterQueryParams>();
    // @ts-expect-error WEEK is not a window size in OpenMeter's API
    client.meters.query('tokens', { windowSize: 'WEEK' });
    // @ts-expect-error subject is an array of strings
    client.meters.query('tokens', { subject: 'customer-1' });
    // @ts-expect-error unknown parameter
    client.meters.query('tokens', { window: 'DAY' });
  });

  test('the raw client is typed from every path of the spec', () => {
    // @ts-expect-error no such path
    client.raw.GET('/api/v1/not-a-path');
    void client.raw.GET('/api/v1/meters/{meterIdOrSlug}/subjects', {
      params: { path: { meterIdOrSlug: 'tokens' } },
    });
  });

  test("meter-core's events are OpenMeter events", () => {
    expectTypeOf<UsageEvent>().toExtend<OpenMeterEvent>();
    expectTypeOf<TokenTypeEvent>().toExtend<OpenMeterEvent>();
    expectTypeOf<FeatureDefinition>().toExtend<components['schemas']['FeatureCreateInputs']>();
    expectTypeOf(client.events.ingest).toBeCallableWith([] as UsageEvent[]);
  });
});
