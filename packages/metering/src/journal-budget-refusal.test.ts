import { BudgetExceededError, BudgetUnavailableError } from '@llm-meter/budget-gate';
import type { RefusalEvent } from '@llm-meter/meter-core';
import { describe, expect, it } from 'vitest';
import { journalBudgetRefusal } from './journal-budget-refusal.js';

const overQuota = new BudgetExceededError({
  subject: 'customer-1',
  feature: 'llm_tokens',
  requested: 4104,
  available: 100,
  limit: 1000,
});
const envelope = {
  provider: 'anthropic',
  source: 'svc',
  now: () => new Date('2026-12-08T02:00:00.000Z'),
  generateId: () => 'refusal-1',
};

describe('journalBudgetRefusal', () => {
  it("journals a refusal over quota with the request's model, and nothing for other errors", () => {
    const journaled: RefusalEvent[] = [];
    const outbox = { enqueue: (event: RefusalEvent) => void journaled.push(event) };
    const onError = (error: unknown) => {
      throw error;
    };
    journalBudgetRefusal({
      outbox,
      error: overQuota,
      request: { model: 'claude-sonnet-4-5' },
      envelope,
      onError,
    });
    const unavailable = new BudgetUnavailableError({
      subject: 'customer-1',
      feature: 'llm_tokens',
      message: 'customer-1 has no entitlement to llm_tokens',
    });
    for (const error of [unavailable, new TypeError('no estimate'), undefined]) {
      journalBudgetRefusal({ outbox, error, request: {}, envelope, onError });
    }
    expect(journaled).toHaveLength(1);
    expect(journaled[0]).toMatchInlineSnapshot(`
      {
        "data": {
          "available_units": 100,
          "feature": "llm_tokens",
          "limit_units": 1000,
          "provider": "anthropic",
          "reason": "over_quota",
          "requested_model": "claude-sonnet-4-5",
          "requested_units": 4104,
        },
        "datacontenttype": "application/json",
        "id": "refusal-1",
        "source": "svc",
        "specversion": "1.0",
        "subject": "customer-1",
        "time": "2026-12-08T02:00:00.000Z",
        "type": "llm_refusal",
      }
    `);
  });

  it('reports a refusal the outbox refuses to onError, and leaves out a model that is no string', () => {
    const reported: unknown[] = [];
    const full = new Error('outbox full');
    const seen: RefusalEvent[] = [];
    journalBudgetRefusal({
      outbox: {
        enqueue: (event) => {
          seen.push(event);
          throw full;
        },
      },
      error: overQuota,
      request: { model: 42 },
      envelope,
      onError: (error) => reported.push(error),
    });
    expect(reported).toEqual([full]);
    expect(seen[0]?.data).not.toHaveProperty('requested_model');
  });
});
