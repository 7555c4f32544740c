import { openMeterMeters } from '@llm-meter/meter-core';
import { createOpenMeterClient } from '@llm-meter/openmeter-client';
import { startOpenMeterLocal } from '@llm-meter/openmeter-local';
import { describe, expect, it } from 'vitest';
import { BudgetExceededError } from './budget-exceeded-error.js';
import { createBudgetGate } from './create-budget-gate.js';
import { createBudgetRefusalEvent } from './create-budget-refusal-event.js';

const now = () => new Date('2026-12-01T10:00:00.000Z');

describe('createBudgetRefusalEvent', () => {
  it("carries the gate's refusal, which OpenMeter counts as a refusal and never as tokens", async () => {
    const gate = createBudgetGate({
      readValue: async () => ({ hasAccess: true, balance: 100, usage: 900, overage: 0 }),
      feature: 'llm_tokens',
      now,
      generateId: () => 'reservation-1',
    });
    const request = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };
    const error = await gate.reserve({ subject: 'customer-1', request }).catch((caught) => caught);
    expect(error).toBeInstanceOf(BudgetExceededError);
    const event = createBudgetRefusalEvent({
      error,
      id: 'refusal-1',
      now,
      requestedModel: request.model,
    });
    expect(event.data).toMatchInlineSnapshot(`
      {
        "available_units": 100,
        "feature": "llm_tokens",
        "limit_units": 1000,
        "provider": "openai",
        "reason": "over_quota",
        "requested_model": "gpt-4o-mini",
        "requested_units": 4104,
      }
    `);
    await gate.close();

    const server = await startOpenMeterLocal({ meters: openMeterMeters });
    try {
      const client = createOpenMeterClient({ baseUrl: server.url, retry: false });
      await client.events.ingest([event]);
      const refusals = await client.meters.query('llm_budget_refusals', {
        subject: ['customer-1'],
        groupBy: ['requested_model'],
      });
      expect(refusals.data.map((row) => [row.groupBy?.requested_model, row.value])).toEqual([
        ['gpt-4o-mini', 1],
      ]);
      for (const meter of ['llm_tokens_total', 'llm_prompt_tokens', 'llm_tokens_by_type']) {
        expect((await client.meters.query(meter)).data, meter).toEqual([]);
      }
    } finally {
      await server.close();
    }
  });
});
