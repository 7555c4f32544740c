import { getUsageProvider } from '@llm-meter/meter-core';
import { describe, expect, it } from 'vitest';
import { BudgetExceededError, BudgetUnavailableError } from './budget-exceeded-error.js';
import { createBudgetGate } from './create-budget-gate.js';
import { type EntitlementValue, EntitlementValueError } from './read-entitlement-value.js';

function createClock(startMs = Date.parse('2026-12-01T00:00:00Z')) {
  let nowMs = startMs;
  return {
    now: () => new Date(nowMs),
    advance: (ms: number) => {
      nowMs += ms;
    },
  };
}

function createValueSource(initial: EntitlementValue) {
  const source = {
    value: initial as EntitlementValue | Error,
    reads: 0,
    readValue: async () => {
      source.reads++;
      if (source.value instanceof Error) throw source.value;
      return source.value;
    },
  };
  return source;
}

const request = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Say hello' }],
  max_completion_tokens: 100,
};

describe('createBudgetGate', () => {
  it('books the worst case of a chat request: prompt plus max_completion_tokens', async () => {
    const source = createValueSource({ hasAccess: true, balance: 1_000, usage: 0 });
    const gate = createBudgetGate({
      readValue: source.readValue,
      feature: 'tokens',
      ...createClock(),
    });
    const reservation = await gate.reserve({ subject: 'customer-1', request });
    // "Say hello" is 2 tokens; 3 per message, 1 for the role, 3 to prime the reply.
    expect(reservation.units).toBe(2 + 3 + 1 + 3 + 100);
    expect(reservation.available).toBe(1_000 - reservation.units);
  });

  it('books Responses and embeddings requests with the estimator that estimates streams', async () => {
    const gate = createBudgetGate({
      readValue: createValueSource({ hasAccess: true, balance: 10_000, usage: 0 }).readValue,
      feature: 'tokens',
      ...createClock(),
    });
    const responses = {
      model: 'gpt-4.1-mini',
      instructions: 'Answer briefly.',
      input: 'Say hello',
      max_output_tokens: 50,
    };
    const openai = getUsageProvider('openai');
    const estimate = openai.estimateRequest(responses);
    expect(estimate.promptTokens).toBeGreaterThan(0);
    expect((await gate.reserve({ subject: 'customer-1', request: responses })).units).toBe(
      estimate.promptTokens + 50,
    );
    const embeddings = { model: 'text-embedding-3-small', input: ['hello world'] };
    expect((await gate.reserve({ subject: 'customer-1', request: embeddings })).units).toBe(2);
    await expect(
      gate.reserve({ subject: 'customer-1', provider: 'nobody', request: responses }),
    ).rejects.toThrow('unknown provider "nobody"');
  });

  it('refuses with a typed error once reservations use up the balance', async () => {
    const source = createValueSource({ hasAccess: true, balance: 250, usage: 0 });
    const gate = createBudgetGate({
      readValue: source.readValue,
      feature: 'tokens',
      ...createClock(),
    });
    await gate.reserve({ subject: 'customer-1', request });
    await gate.reserve({ subject: 'customer-1', request });
    const refusal = await gate.reserve({ subject: 'customer-1', request }).catch((error) => error);
    expect(refusal).toBeInstanceOf(BudgetExceededError);
    expect(refusal).toMatchObject({
      subject: 'customer-1',
      feature: 'tokens',
      requested: 109,
      available: 32,
      limit: 250,
      used: 218,
    });
    expect(refusal.message).toMatch(
      /customer-1 is over quota for tokens: this call may use up to 109 tokens and 32 of its 250 remain \(218 used or reserved\)/,
    );
  });

  it('settle releases the worst case and keeps the real usage booked', async () => {
    const source = createValueSource({ hasAccess: true, balance: 250, usage: 0 });
    const gate = createBudgetGate({
      readValue: source.readValue,
      feature: 'tokens',
      ...createClock(),
    });
    const first = await gate.reserve({ subject: 'customer-1', request });
    await gate.settle({ reservation: first, event: { data: { total_tokens: 20 } } });
    const second = await gate.reserve({ subject: 'customer-1', request });
    expect(second.available).toBe(250 - 20 - 109);
  });

  it('caches the value for valueTtlMs, then refreshes it in the background', async () => {
    const clock = createClock();
    const source = createValueSource({ hasAccess: true, balance: 1_000, usage: 0 });
    const gate = createBudgetGate({
      readValue: source.readValue,
      feature: 'tokens',
      valueTtlMs: 1_000,
      ...clock,
    });
    const first = await gate.reserve({ subject: 'customer-1', units: 10 });
    await gate.settle({ reservation: first, event: { data: { total_tokens: 10 } } });
    clock.advance(999);
    await gate.reserve({ subject: 'customer-1', units: 0 });
    expect(source.reads).toBe(1);
    // OpenMeter has ingested the 10 tokens: balance and usage move together.
    source.value = { hasAccess: true, balance: 990, usage: 10 };
    clock.advance(1);
    await gate.reserve({ subject: 'customer-1', units: 0 });
    await expect.poll(() => source.reads).toBe(2);
    // The booking was absorbed by OpenMeter's usage: 990 left, not 980.
    await expect
      .poll(async () => (await gate.reserve({ subject: 'customer-1', units: 0 })).available)
      .toBe(990);
  });

  it('a subject without access is refused; a missing entitlement says what to create', async () => {
    const source = createValueSource({ hasAccess: false, balance: 0, usage: 500 });
    const gate = createBudgetGate({
      readValue: source.readValue,
      feature: 'tokens',
      ...createClock(),
    });
    await expect(gate.reserve({ subject: 'customer-1', units: 1 })).rejects.toBeInstanceOf(
      BudgetExceededError,
    );
    source.value = new EntitlementValueError(
      'not_found',
      'customer-2 has no entitlement to the feature "tokens"',
    );
    const missing = await gate.reserve({ subject: 'customer-2', units: 1 }).catch((error) => error);
    expect(missing).toBeInstanceOf(BudgetUnavailableError);
    expect(missing.message).toMatch(/no entitlement/);
  });

  it('with OpenMeter unreachable: refuses unknown subjects, or admits them with onUnavailable allow', async () => {
    const source = createValueSource({ hasAccess: true, balance: 0 });
    source.value = new EntitlementValueError('unavailable', 'connect ECONNREFUSED');
    const strict = createBudgetGate({
      readValue: source.readValue,
      feature: 'tokens',
      ...createClock(),
    });
    const refusal = await strict
      .reserve({ subject: 'customer-1', units: 1 })
      .catch((error) => error);
    expect(refusal).toBeInstanceOf(BudgetUnavailableError);
    expect(refusal.message).toMatch(/could not read customer-1's balance.*onUnavailable/);
    const lenient = createBudgetGate({
      readValue: source.readValue,
      feature: 'tokens',
      onUnavailable: 'allow',
      ...createClock(),
    });
    await expect(lenient.reserve({ subject: 'customer-1', units: 1 })).resolves.toMatchObject({
      units: 1,
    });
  });

  it('keeps admitting against the last known value while a refresh fails', async () => {
    const clock = createClock();
    const source = createValueSource({ hasAccess: true, balance: 100, usage: 0 });
    const gate = createBudgetGate({ readValue: source.readValue, feature: 'tokens', ...clock });
    await gate.reserve({ subject: 'customer-1', units: 50 });
    source.value = new EntitlementValueError('unavailable', 'timeout');
    clock.advance(5_000);
    await expect(gate.reserve({ subject: 'customer-1', units: 50 })).resolves.toMatchObject({
      available: 0,
    });
    await expect(gate.reserve({ subject: 'customer-1', units: 1 })).rejects.toBeInstanceOf(
      BudgetExceededError,
    );
  });

  it('refuses bad input with an error naming it', async () => {
    const source = createValueSource({ hasAccess: true, balance: 100 });
    const gate = createBudgetGate({ readValue: source.readValue, ...createClock() });
    await expect(gate.reserve({ subject: 'customer-1', units: 1 })).rejects.toThrow(
      /needs `feature`/,
    );
    await expect(
      gate.reserve({
        subject: 'c',
        feature: 'tokens',
        request: { model: 'gpt-4o', messages: [], max_tokens: -1 },
      }),
    ).rejects.toThrow(/request.max_tokens must be a non-negative integer/);
    expect(() => createBudgetGate({})).toThrow(/needs `client`/);
  });
});
