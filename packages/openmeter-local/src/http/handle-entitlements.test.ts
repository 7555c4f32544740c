import { OpenMeter } from '@openmeter/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test-server.js';

let test: TestServer;
let sdk: OpenMeter;
beforeAll(async () => {
  test = await startTestServer({ apiKey: 'sdk-key' });
  sdk = new OpenMeter({ baseUrl: test.server.url, apiKey: 'sdk-key' });
  await sdk.features.create({
    key: 'gpt_tokens',
    name: 'GPT-4o tokens',
    meterSlug: 'tokens_total',
    meterGroupByFilters: { model: 'gpt-4o' },
  });
});
afterAll(async () => {
  await test.server.close();
});

// The SDK types every answer as possibly undefined; a missing one fails the test here.
function defined<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('the SDK answered nothing');
  return value;
}

async function ingest(subject: string, entries: Array<[string, number, string?]>) {
  await sdk.events.ingest(
    entries.map(([time, tokens, model = 'gpt-4o'], index) => ({
      id: `${subject}-${time}-${index}`,
      source: 'entitlements-test',
      type: 'prompt',
      subject,
      time: new Date(time),
      data: { tokens, model, type: 'input' },
    })),
  );
}

async function valueAt(subject: string, time: string) {
  const value = defined(
    await sdk.entitlementsV1.value(subject, 'gpt_tokens', { time: new Date(time) }),
  );
  return {
    hasAccess: value.hasAccess,
    balance: value.balance,
    usage: value.usage,
    overage: value.overage,
  };
}

describe('official @openmeter/sdk against openmeter-local', () => {
  it('ingests events and queries a meter', async () => {
    await ingest('sdk-meter', [
      ['2025-03-01T10:00:00Z', 5],
      ['2025-03-01T11:00:00Z', 7, 'o3'],
    ]);
    const result = await sdk.meters.query('tokens_total', {
      from: new Date('2025-03-01T00:00:00Z'),
      to: new Date('2025-03-02T00:00:00Z'),
      subject: ['sdk-meter'],
      groupBy: ['model'],
    });
    expect(result.data.map((row) => [row.groupBy?.model, row.value])).toEqual([
      ['gpt-4o', 5],
      ['o3', 7],
    ]);
  });

  it('burns grants in priority order, refills issueAfterReset each period, reports overage', async () => {
    const subject = 'customer-burn';
    const entitlement = defined(
      await sdk.entitlementsV1.create(subject, {
        type: 'metered',
        featureKey: 'gpt_tokens',
        usagePeriod: { interval: 'MONTH', anchor: new Date('2025-01-01T00:00:00Z') },
        measureUsageFrom: new Date('2025-01-01T00:00:00Z'),
        issueAfterReset: 100,
      }),
    );
    expect(entitlement).toMatchObject({
      type: 'metered',
      subjectKey: subject,
      featureKey: 'gpt_tokens',
      isSoftLimit: false,
      issueAfterReset: 100,
      usagePeriod: { interval: 'MONTH', intervalISO: 'P1M' },
    });
    await ingest(subject, [
      ['2025-01-10T00:00:00Z', 30],
      ['2025-01-11T00:00:00Z', 50, 'o3'], // another model: not this feature's usage
      ['2025-01-12T00:00:00Z', 50],
    ]);
    expect(await valueAt(subject, '2025-01-14T00:00:00Z')).toEqual({
      hasAccess: true,
      balance: 20,
      usage: 80,
      overage: 0,
    });
    const grant = defined(
      await sdk.entitlementsV1.grants.create(subject, 'gpt_tokens', {
        amount: 50,
        priority: 2,
        effectiveAt: new Date('2025-01-15T00:00:30Z'),
        expiration: { duration: 'MONTH', count: 1 },
      }),
    );
    expect(grant).toMatchObject({ amount: 50, priority: 2, entitlementId: entitlement.id });
    expect(grant.effectiveAt).toEqual(new Date('2025-01-15T00:01:00Z'));
    expect(grant.expiresAt).toEqual(new Date('2025-02-15T00:01:00Z'));
    await ingest(subject, [['2025-01-16T00:00:00Z', 40]]);
    // 20 left of the priority-1 grant, then 20 of the priority-2 one.
    expect(await valueAt(subject, '2025-01-20T00:00:00Z')).toEqual({
      hasAccess: true,
      balance: 30,
      usage: 120,
      overage: 0,
    });
    // February: the issueAfterReset grant is back to 100, the other one rolled over to 0.
    await ingest(subject, [['2025-02-03T00:00:00Z', 150]]);
    expect(await valueAt(subject, '2025-02-05T00:00:00Z')).toEqual({
      hasAccess: false,
      balance: 0,
      usage: 150,
      overage: 50,
    });
    const grants = defined(await sdk.entitlementsV1.grants.list(subject, 'gpt_tokens'));
    expect(grants.map((listed) => listed.amount).sort()).toEqual([100, 50]);
    const listed = await sdk.entitlementsV1.list({ subject: [subject] });
    expect(listed.map((item) => item.id)).toEqual([entitlement.id]);
  });

  it('a manual reset starts a new period; a soft limit keeps access in overage', async () => {
    const subject = 'customer-reset';
    const entitlement = defined(
      await sdk.entitlementsV1.create(subject, {
        type: 'metered',
        featureKey: 'gpt_tokens',
        isSoftLimit: true,
        usagePeriod: { interval: 'YEAR', anchor: new Date('2025-01-01T00:00:00Z') },
        measureUsageFrom: new Date('2025-01-01T00:00:00Z'),
        issueAfterReset: 10,
      }),
    );
    await ingest(subject, [
      ['2025-01-10T00:00:00Z', 30],
      ['2025-01-25T00:00:00Z', 4],
    ]);
    expect(await valueAt(subject, '2025-01-26T00:00:00Z')).toEqual({
      hasAccess: true,
      balance: 0,
      usage: 34,
      overage: 24,
    });
    await sdk.entitlementsV1.reset(subject, entitlement.id, {
      effectiveAt: new Date('2025-01-20T00:00:00Z'),
      retainAnchor: true,
    });
    expect(await valueAt(subject, '2025-01-26T00:00:00Z')).toEqual({
      hasAccess: true,
      balance: 6,
      usage: 4,
      overage: 0,
    });
  });

  it('refuses a second entitlement to the same feature, and an unknown feature', async () => {
    const input = {
      type: 'metered' as const,
      featureKey: 'gpt_tokens',
      usagePeriod: { interval: 'DAY' as const },
    };
    await sdk.entitlementsV1.create('customer-twice', input);
    await expect(sdk.entitlementsV1.create('customer-twice', input)).rejects.toMatchObject({
      status: 409,
    });
    await expect(
      sdk.entitlementsV1.create('customer-twice', { ...input, featureKey: 'nope' }),
    ).rejects.toMatchObject({ status: 404 });
    const response = await test.request(
      '/api/v1/subjects/customer-none/entitlements/gpt_tokens/value',
      { headers: { authorization: 'Bearer sdk-key' } },
    );
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });
});
