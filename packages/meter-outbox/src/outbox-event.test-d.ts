import type { OpenMeterClient, OpenMeterEvent } from '@llm-meter/openmeter-client';
import { expectTypeOf, test } from 'vitest';
import type { OutboxEvent, OutboxIngestClient } from './outbox-event.js';

test('the OpenMeter client fits the outbox, and its events are outbox events', () => {
  expectTypeOf<OpenMeterClient>().toExtend<OutboxIngestClient>();
  expectTypeOf<OpenMeterEvent>().toExtend<OutboxEvent>();
});
