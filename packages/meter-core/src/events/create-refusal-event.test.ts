import { describe, expect, it } from 'vitest';
import { openMeterMeters, refusalEventMeters } from '../meters/usage-meters.js';
import { createRefusalEvent, refusalEventType } from './create-refusal-event.js';

const now = () => new Date('2026-12-01T10:00:00.000Z');

describe('createRefusalEvent', () => {
  it('builds the event of a call refused over budget, with no token count', () => {
    const event = createRefusalEvent({
      id: 'refusal-1',
      subject: 'customer-1',
      feature: 'llm_tokens',
      requestedUnits: 4_120,
      availableUnits: 300,
      limitUnits: 10_000,
      provider: 'anthropic',
      requestedModel: 'claude-sonnet-4-5',
      now,
    });
    expect(event).toMatchInlineSnapshot(`
      {
        "data": {
          "available_units": 300,
          "feature": "llm_tokens",
          "limit_units": 10000,
          "provider": "anthropic",
          "reason": "over_quota",
          "requested_model": "claude-sonnet-4-5",
          "requested_units": 4120,
        },
        "datacontenttype": "application/json",
        "id": "refusal-1",
        "source": "llm-meter",
        "specversion": "1.0",
        "subject": "customer-1",
        "time": "2026-12-01T10:00:00.000Z",
        "type": "llm_refusal",
      }
    `);
  });

  it('is counted by llm_budget_refusals only, and carries every value it groups by', () => {
    const event = createRefusalEvent({
      id: 'refusal-2',
      subject: 'customer-1',
      feature: 'llm_tokens',
      requestedUnits: 10,
      availableUnits: 0,
      limitUnits: 0,
      requestedModel: 'gpt-4o-mini',
      now,
    });
    const readers = openMeterMeters.filter((meter) => meter.eventType === event.type);
    expect(readers.map((meter) => meter.slug)).toEqual(['llm_budget_refusals']);
    expect(refusalEventMeters).toEqual(readers);
    const [meter] = readers;
    expect(meter?.aggregation).toBe('COUNT');
    expect(meter?.valueProperty).toBeUndefined();
    for (const path of Object.values(meter?.groupBy ?? {})) {
      expect(typeof event.data[path.slice(2)], path).toBe('string');
    }
    expect(Object.keys(event.data).filter((key) => key.endsWith('_tokens'))).toEqual([]);
    expect(refusalEventType).toBe('llm_refusal');
  });

  it('refuses a refusal without a subject', () => {
    expect(() =>
      createRefusalEvent({
        id: 'refusal-3',
        subject: '',
        feature: 'llm_tokens',
        requestedUnits: 1,
        availableUnits: 0,
        limitUnits: 0,
        now,
      }),
    ).toThrow(/needs `subject`/);
  });
});
