import { createAnthropicUsageEvent, usageEventMeters } from '@llm-meter/meter-core';
import { startOpenAILocal } from '@llm-meter/openai-local';
import { createOpenMeterClient, type MeterCreate } from '@llm-meter/openmeter-client';
import { startOpenMeterLocal } from '@llm-meter/openmeter-local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileUsage } from '../../reconcile-usage.js';
import { createAnthropicUsageReport } from './create-anthropic-usage-report.js';
import { AnthropicAdminError } from './fetch-anthropic-report.js';

// openai-local serves Anthropic's Messages API and, from the same ledger, its Admin API usage
// and cost reports: real servers on 127.0.0.1, a fixed clock.
const day = '2026-12-04';
const adminKey = 'sk-ant-admin01-reconcile-test';
const now = () => new Date(`${day}T09:00:00.000Z`);
const dayRange = {
  startTime: Date.parse(`${day}T00:00:00Z`) / 1000,
  endTime: Date.parse(`${day}T00:00:00Z`) / 1000 + 86_400,
};
let openaiLocal: Awaited<ReturnType<typeof startOpenAILocal>>;
let openmeterLocal: Awaited<ReturnType<typeof startOpenMeterLocal>>;
let anthropicBaseUrl: string;
const messages: Array<{ request: Record<string, unknown>; message: Record<string, unknown> }> = [];

async function createMessage(request: Record<string, unknown>) {
  const response = await fetch(`${anthropicBaseUrl}/v1/messages`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-api-key': 'sk-ant-test',
      'anthropic-version': '2023-06-01',
    },
    body: JSON.stringify(request),
  });
  expect(response.status).toBe(200);
  const message = (await response.json()) as Record<string, unknown>;
  messages.push({ request, message });
  return message;
}

beforeAll(async () => {
  openaiLocal = await startOpenAILocal({ adminKey, now });
  anthropicBaseUrl = openaiLocal.url.replace(/\/v1$/, '');
  openmeterLocal = await startOpenMeterLocal({
    meters: usageEventMeters.map((meter) => ({ ...meter })) as MeterCreate[],
  });
  await createMessage({
    model: 'claude-sonnet-4-5',
    max_tokens: 30,
    messages: [{ role: 'user', content: 'Name a prime number.' }],
  });
  await createMessage({
    model: 'claude-haiku-4-5',
    max_tokens: 30,
    messages: [{ role: 'user', content: 'Name an even number.' }],
  });
});

afterAll(async () => {
  await openaiLocal?.close();
  await openmeterLocal?.close();
});

describe('createAnthropicUsageReport against openai-local', () => {
  it("reads the usage report as the messages' own usage, by day, model and tier", async () => {
    const report = createAnthropicUsageReport({ adminKey, baseUrl: anthropicBaseUrl });
    const rows = await report.fetchUsage({
      ...dayRange,
      dimensions: { serviceTier: true, projectId: false, apiKeyId: false },
    });
    const want = messages.map(({ message }) => {
      const usage = message.usage as Record<string, number | undefined>;
      return {
        day,
        model: message.model,
        serviceTier: 'standard',
        projectId: '*',
        apiKeyId: '*',
        prompt_tokens:
          (usage.input_tokens ?? 0) +
          (usage.cache_read_input_tokens ?? 0) +
          (usage.cache_creation_input_tokens ?? 0),
        cached_tokens: usage.cache_read_input_tokens ?? 0,
        cache_write_tokens: usage.cache_creation_input_tokens ?? 0,
        cache_write_1h_tokens: 0,
        completion_tokens: usage.output_tokens,
      };
    });
    expect(rows.sort((a, b) => a.model.localeCompare(b.model))).toEqual(
      want.sort((a, b) => String(a.model).localeCompare(String(b.model))),
    );
  });

  it('refuses a key that is not an admin key, naming ANTHROPIC_ADMIN_KEY', async () => {
    const report = createAnthropicUsageReport({
      adminKey: 'sk-ant-test',
      baseUrl: anthropicBaseUrl,
    });
    const failure = report.fetchCosts({
      ...dayRange,
      dimensions: { serviceTier: true, projectId: false, apiKeyId: false },
    });
    await expect(failure).rejects.toBeInstanceOf(AnthropicAdminError);
    await expect(failure).rejects.toThrow(/401 .*ANTHROPIC_ADMIN_KEY/);
  });

  it('reconciles metered messages with no drift in tokens or cost', async () => {
    const openmeter = createOpenMeterClient({ baseUrl: openmeterLocal.url, retry: false });
    for (const { request, message } of messages) {
      await openmeter.events.ingest(
        createAnthropicUsageEvent(message as never, {
          subject: 'customer-acme',
          now,
          request: request as never,
        }),
      );
    }
    const report = await reconcileUsage({
      openmeter,
      usageReport: createAnthropicUsageReport({ adminKey, baseUrl: anthropicBaseUrl }),
      from: day,
      to: day,
      threshold: 0,
    });
    expect(report).toMatchObject({ provider: 'anthropic', providerName: 'Anthropic' });
    expect(report.unpriced).toEqual([]);
    expect(report.pastThreshold).toBe(0);
    const cost = report.rows.find((row) => row.metric === 'cost_usd');
    expect(cost?.reported).toBeGreaterThan(0);
    expect(cost?.difference).toBe(0);
    expect(report.rows.filter((row) => row.metric === 'input').map((row) => row.model)).toEqual([
      'claude-haiku-4-5-20251001',
      'claude-sonnet-4-5-20250929',
    ]);
  });
});

// Two Claude answers with a 1-hour and a 5-minute cache breakpoint, on a day of their own.
describe('1-hour cache writes against openai-local', () => {
  const cacheDay = '2026-12-05';
  const cacheNow = () => new Date(`${cacheDay}T10:00:00.000Z`);
  let simulator: Awaited<ReturnType<typeof startOpenAILocal>>;
  const events: ReturnType<typeof createAnthropicUsageEvent>[] = [];
  const rules = (name: string, count: number) =>
    Array.from({ length: count }, (_, index) => `${name} rule ${index + 1}: be brief.`).join('\n');

  beforeAll(async () => {
    simulator = await startOpenAILocal({ adminKey, now: cacheNow });
    for (const name of ['first', 'second']) {
      const request = {
        model: 'claude-sonnet-4-5',
        max_tokens: 30,
        system: [
          {
            type: 'text',
            text: rules(name, 300),
            cache_control: { type: 'ephemeral', ttl: '1h' },
          },
          {
            type: 'text',
            text: rules(`${name} today`, 200),
            cache_control: { type: 'ephemeral', ttl: '5m' },
          },
        ],
        messages: [{ role: 'user', content: 'Which rule comes first?' }],
      };
      const response = await fetch(`${simulator.url.replace(/\/v1$/, '')}/v1/messages`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-api-key': 'sk-ant-test',
          'anthropic-version': '2023-06-01',
        },
        body: JSON.stringify(request),
      });
      expect(response.status).toBe(200);
      const message = await response.json();
      events.push(
        createAnthropicUsageEvent(message, {
          subject: 'customer-acme',
          now: cacheNow,
          request: request as never,
        }),
      );
    }
  });

  afterAll(async () => {
    await simulator?.close();
  });

  async function reconcileWith(meters: readonly (typeof usageEventMeters)[number][]) {
    const server = await startOpenMeterLocal({
      meters: meters.map((meter) => ({ ...meter })) as MeterCreate[],
    });
    try {
      const openmeter = createOpenMeterClient({ baseUrl: server.url, retry: false });
      for (const event of events) await openmeter.events.ingest(event);
      return await reconcileUsage({
        openmeter,
        usageReport: createAnthropicUsageReport({
          adminKey,
          baseUrl: simulator.url.replace(/\/v1$/, ''),
        }),
        from: cacheDay,
        to: cacheDay,
        threshold: 0,
      });
    } finally {
      await server.close();
    }
  }

  it('compares the 1-hour writes apart and prices them at their rate: no drift', async () => {
    const written1h = events.reduce((total, event) => total + event.data.cache_write_1h_tokens, 0);
    const written = events.reduce((total, event) => total + event.data.cache_write_tokens, 0);
    expect(written1h).toBeGreaterThan(1000);
    expect(written).toBeGreaterThan(written1h);
    const report = await reconcileWith(usageEventMeters);
    expect(report.pastThreshold).toBe(0);
    expect(report.unpriced).toEqual([]);
    const metric = (name: string) => report.rows.find((row) => row.metric === name);
    expect(metric('cache_write_1h')).toMatchObject({
      model: 'claude-sonnet-4-5-20250929',
      metered: written1h,
      reported: written1h,
      difference: 0,
    });
    expect(metric('cache_write')).toMatchObject({ metered: written, reported: written });
    expect(metric('cost_usd')?.reported).toBeGreaterThan(0);
    expect(metric('cost_usd')?.difference).toBe(0);
    expect(report.limitations.join('\n')).not.toContain('No llm_cache_write_1h_tokens meter');
  });

  it('without the llm_cache_write_1h_tokens meter, names it, and the cost falls short by the 1-hour surcharge', async () => {
    const report = await reconcileWith(
      usageEventMeters.filter((meter) => meter.slug !== 'llm_cache_write_1h_tokens'),
    );
    expect(report.rows.some((row) => row.metric === 'cache_write_1h')).toBe(false);
    expect(report.limitations).toContainEqual(
      expect.stringMatching(
        /^No llm_cache_write_1h_tokens meter: the 1-hour cache writes are not compared apart, and the metered cost prices every cache write at the 5-minute rate/,
      ),
    );
    const written1h = events.reduce((total, event) => total + event.data.cache_write_1h_tokens, 0);
    // Claude Sonnet 4.5: $6 per 1M 1-hour writes, $3.75 per 1M 5-minute ones.
    const cost = report.rows.find((row) => row.metric === 'cost_usd');
    expect(cost?.difference).toBeCloseTo((-written1h * (6 - 3.75)) / 1e6, 9);
    expect(report.pastThreshold).toBe(1);
  });
});
