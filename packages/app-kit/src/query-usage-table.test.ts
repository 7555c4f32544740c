import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Anthropic from '@anthropic-ai/sdk';
import { createAnthropicUsageEvent, openMeterMeters, type UsageEvent } from '@llm-meter/meter-core';
import { type OpenAILocalServer, startOpenAILocal } from '@llm-meter/openai-local';
import { createOpenMeterClient, type MeterCreate } from '@llm-meter/openmeter-client';
import { type OpenMeterLocal, startOpenMeterLocal } from '@llm-meter/openmeter-local';
import { priceUsage, priceUsageEvent, totalUsageCost } from '@llm-meter/prices';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { formatUsageTable, priceUsageTableRow } from './format-usage-table.js';
import { queryUsageTable } from './query-usage-table.js';

// Claude's cache writes end to end: recorded responses with 5-minute writes (Anthropic's own
// usage, read in place from the shared fixtures; none recorded there has 1-hour writes) and
// openai-local's answers to requests with a 1-hour and a 5-minute breakpoint, metered into
// openmeter-local with the shipped meters, read back as the usage table.
const day = '2026-12-04';
const now = () => new Date(`${day}T09:00:00.000Z`);
const anthropicFixtures = fileURLToPath(
  new URL('../../../../shared/fixtures/anthropic/', import.meta.url),
);
// Blocking answers of claude-sonnet-4-5-20250929 with 5-minute cache writes.
const recordedIds = new Set([
  'msg_01NeniT1gcChrmdsa2Lkpsne',
  'msg_01L4kjY7FtfFhAzJhvA8QczJ',
  'msg_01KPaKTJSqAKoZri7Ujrny58',
]);

function readRecordedMessages(): Array<{ request: object; response: { id: string } }> {
  return readFileSync(`${anthropicFixtures}pydantic__pydantic-ai.jsonl`, 'utf8')
    .split('\n')
    .filter((line) => [...recordedIds].some((id) => line.includes(id)))
    .map((line) => JSON.parse(line))
    .filter((record) => recordedIds.has(record.response?.id));
}

const rules = (name: string, count: number) =>
  Array.from(
    { length: count },
    (_, index) => `${name} rule ${index + 1}: answer in plain words.`,
  ).join('\n');

let openaiLocal: OpenAILocalServer;
const events: UsageEvent[] = [];

beforeAll(async () => {
  openaiLocal = await startOpenAILocal({ now });
  const anthropic = new Anthropic({
    apiKey: 'sk-ant-test',
    baseURL: openaiLocal.url.replace(/\/v1$/, ''),
  });
  const recorded = readRecordedMessages();
  expect(recorded.map((record) => record.response.id).sort()).toEqual([...recordedIds].sort());
  for (const { request, response } of recorded) {
    events.push(
      createAnthropicUsageEvent(response as never, {
        subject: 'customer-acme',
        now,
        request: request as never,
      }),
    );
  }
  for (const subject of ['customer-acme', 'customer-globex']) {
    const request = {
      model: 'claude-sonnet-4-5',
      max_tokens: 40,
      // A 1-hour breakpoint, then a 5-minute one (Anthropic wants the longer lifetime first).
      system: [
        {
          type: 'text' as const,
          text: rules(subject, 300),
          cache_control: { type: 'ephemeral' as const, ttl: '1h' as const },
        },
        {
          type: 'text' as const,
          text: rules(`${subject} today`, 200),
          cache_control: { type: 'ephemeral' as const, ttl: '5m' as const },
        },
      ],
      messages: [{ role: 'user' as const, content: 'Which rule comes first?' }],
    };
    const message = await anthropic.messages.create(request);
    events.push(createAnthropicUsageEvent(message, { subject, now, request }));
  }
});

afterAll(async () => {
  await openaiLocal?.close();
});

describe('the usage table over 5-minute and 1-hour cache writes', () => {
  let openmeterLocal: OpenMeterLocal;
  afterAll(async () => {
    await openmeterLocal?.close();
  });

  test('a cache_write_1h column, priced at the 1-hour rate; the total equals priceUsage over the events', async () => {
    openmeterLocal = await startOpenMeterLocal({ meters: openMeterMeters });
    const client = createOpenMeterClient({ baseUrl: openmeterLocal.url, retry: false });
    for (const event of events) await client.events.ingest(event);
    // Both lifetimes are in the events: real 5-minute writes, simulated 1-hour and 5-minute ones.
    const simulated = events.slice(recordedIds.size);
    for (const event of simulated) {
      expect(event.data.cache_write_1h_tokens).toBeGreaterThan(1000);
      expect(event.data.cache_write_tokens).toBeGreaterThan(event.data.cache_write_1h_tokens);
    }
    const rows = await queryUsageTable({ client });
    expect(rows.map((row) => [row.subject, row.model, row.serviceTier])).toEqual([
      ['customer-acme', 'claude-sonnet-4-5-20250929', 'standard'],
      ['customer-globex', 'claude-sonnet-4-5-20250929', 'standard'],
    ]);
    const sumOf = (subject: string, field: 'cache_write_tokens' | 'cache_write_1h_tokens') =>
      events
        .filter((event) => event.subject === subject)
        .reduce((total, event) => total + event.data[field], 0);
    for (const row of rows) {
      expect(row.cache_write_tokens).toBe(sumOf(row.subject, 'cache_write_tokens'));
      expect(row.cache_write_1h_tokens).toBe(sumOf(row.subject, 'cache_write_1h_tokens'));
      // The 1-hour writes cost more than the same writes at the 5-minute rate.
      const at5m = priceUsage({
        model: row.model,
        provider: 'anthropic',
        serviceTier: row.serviceTier,
        at: now(),
        usage: { ...row, cache_write_1h_tokens: 0 },
      });
      const priced = priceUsageTableRow(row);
      expect(at5m.status).toBe('priced');
      // Claude Sonnet 4.5: $6 per 1M 1-hour writes, $3.75 per 1M 5-minute ones.
      expect((priced.usd ?? 0) - (at5m.status === 'priced' ? at5m.usd : 0)).toBeCloseTo(
        ((row.cache_write_1h_tokens ?? 0) * (6 - 3.75)) / 1e6,
        12,
      );
    }
    const perEvent = events.reduce((total, event) => {
      const price = priceUsageEvent(event);
      if (price.status !== 'priced') throw new Error(price.message);
      return total + price.usd;
    }, 0);
    expect(totalUsageCost(rows.map(priceUsageTableRow)).usd).toBeCloseTo(perEvent, 12);

    const table = formatUsageTable(rows);
    const [header, , first] = table.split('\n');
    expect(header?.split(/ +/)).toEqual([
      'day',
      'subject',
      'model',
      'tier',
      'input',
      'cached',
      'cache_write',
      'cache_write_1h',
      'output',
      'total',
      'cost',
    ]);
    expect(first?.split(/ +/).slice(6, 8)).toEqual([
      String(sumOf('customer-acme', 'cache_write_tokens')),
      String(sumOf('customer-acme', 'cache_write_1h_tokens')),
    ]);
    expect(table).not.toContain('1-hour cache writes: not metered apart');
  });

  test('without the llm_cache_write_1h_tokens meter the table has no 1-hour column and says every write is priced at the 5-minute rate', async () => {
    const server = await startOpenMeterLocal({
      meters: openMeterMeters.filter(
        (meter) => meter.slug !== 'llm_cache_write_1h_tokens',
      ) as MeterCreate[],
    });
    try {
      const client = createOpenMeterClient({ baseUrl: server.url, retry: false });
      for (const event of events) await client.events.ingest(event);
      const rows = await queryUsageTable({ client });
      expect(rows.every((row) => row.cache_write_1h_tokens === undefined)).toBe(true);
      const table = formatUsageTable(rows);
      expect(table.split('\n')[0]).not.toContain('cache_write_1h');
      expect(table).toContain(
        '1-hour cache writes: not metered apart (no llm_cache_write_1h_tokens meter), so every Claude cache write is priced at the 5-minute rate',
      );
    } finally {
      await server.close();
    }
  });
});
