// Takes the README's screenshots of the dashboard: `pnpm --filter dashboard screenshots`.
//
// Seeds openmeter-local in a temporary directory with two weeks of made-up usage (four customers,
// OpenAI, Anthropic and Gemini models, one unpriced model, some estimated and settled usage),
// and, for the Reconciliation page, a day of calls made through openai-local with the OpenAI and
// Anthropic SDKs (most of them metered, one not, one metered as an estimate) whose usage and
// cost reports openai-local serves; serves it with the dashboard app, and saves the Overview,
// Customer and Reconciliation pages as PNG files in apps/dashboard/screenshots/ with Debian's
// Chromium (LLM_METER_CHROMIUM elsewhere).
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Anthropic from '@anthropic-ai/sdk';
import { serve } from '@hono/node-server';
import { createAnthropicUsageEvent, openMeterMeters, toUsageEvent } from '@llm-meter/meter-core';
import { startOpenAILocal } from '@llm-meter/openai-local';
import { createOpenMeterClient } from '@llm-meter/openmeter-client';
import { startOpenMeterLocal } from '@llm-meter/openmeter-local';
import { listUsageReportProviders, type UsageReportClient } from '@llm-meter/reconcile';
import OpenAI from 'openai';
import { chromium } from 'playwright-core';
import { createDashboardApp } from '../src/create-dashboard-app.js';
import type { NotReconciled } from '../src/pages/reconciliation-page.js';
import { createOpenMeterReader } from '../src/read/create-openmeter-reader.js';
import { createV1ReadApi } from '../src/read/create-v1-read-api.js';

const output = fileURLToPath(new URL('../screenshots/', import.meta.url));
const dbPath = join(mkdtempSync(join(tmpdir(), 'dashboard-screenshots-')), 'openmeter-local.db');
const subjects = ['customer-acme', 'customer-globex', 'customer-initech', 'customer-umbrella'];
const models = [
  { provider: 'openai', model: 'gpt-4o-mini-2024-07-18', tier: 'default' },
  { provider: 'openai', model: 'gpt-4.1-mini-2025-04-14', tier: 'default' },
  { provider: 'anthropic', model: 'claude-haiku-4-5-20251001', tier: 'standard' },
  { provider: 'google', model: 'gemini-2.5-flash', tier: undefined },
  { provider: 'openai', model: 'house-model-7b', tier: 'default' },
];
const first = Date.parse('2026-11-20T00:00:00Z');

const local = await startOpenMeterLocal({ meters: openMeterMeters, dbPath });
const client = createOpenMeterClient({ baseUrl: local.url });
const events = [];
for (let index = 0; index < 2_000; index++) {
  const day = index % 14;
  const subject = subjects[(index * 7) % subjects.length] as string;
  const served = models[(index + day) % models.length] as (typeof models)[number];
  const prompt = 200 + ((index * 37) % 1800) + day * 40;
  const completion = 20 + ((index * 13) % 400);
  events.push({
    id: `screenshot-${index}`,
    source: 'screenshots',
    type: 'openai',
    subject,
    time: new Date(first + day * 86_400_000 + (index % 80_000) * 1000).toISOString(),
    data: {
      provider: served.provider,
      model: served.model,
      ...(served.tier ? { service_tier: served.tier } : {}),
      endpoint: 'chat.completions',
      usage_source: index % 25 === 0 ? 'estimated' : index % 50 === 1 ? 'settled' : 'provider',
      prompt_tokens: prompt,
      cached_tokens: index % 3 === 0 ? Math.floor(prompt / 2) : 0,
      completion_tokens: completion,
      total_tokens: prompt + completion,
    },
  });
}
await client.events.ingest(events);

// The reconciled day: calls billed by openai-local, metered as the wrappers meter them.
const reconciledDay = '2026-12-04';
const adminKey = 'sk-admin-screenshots';
let clock = new Date(`${reconciledDay}T08:00:00Z`);
const openaiLocal = await startOpenAILocal({ adminKey, now: () => clock });
const openai = new OpenAI({ baseURL: openaiLocal.url, apiKey: 'sk-screenshots', maxRetries: 0 });
const anthropic = new Anthropic({
  baseURL: openaiLocal.origin,
  apiKey: 'sk-ant-screenshots',
  maxRetries: 0,
});
for (let index = 0; index < 12; index++) {
  clock = new Date(clock.getTime() + 20 * 60_000);
  const subject = subjects[index % subjects.length] as string;
  const content = `Summarise ticket ${index} in one line.`;
  if (index % 3 === 2) {
    const message = await anthropic.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 60,
      messages: [{ role: 'user', content }],
    });
    const event = createAnthropicUsageEvent(message, { subject, now: () => clock });
    // One message metered as an estimate 12 tokens over: Anthropic cannot settle it (~).
    const data = event.data as Record<string, unknown> & { prompt_tokens: number };
    await client.events.ingest(
      index === 5
        ? {
            ...event,
            data: { ...data, usage_source: 'estimated', prompt_tokens: data.prompt_tokens + 12 },
          }
        : event,
    );
    continue;
  }
  const request = {
    model: index % 2 === 0 ? 'gpt-4o-mini' : 'gpt-4.1-mini',
    messages: [{ role: 'user' as const, content }],
  };
  const response = await openai.chat.completions.create(request);
  // One call not metered: OpenAI's table shows that drift (!).
  if (index !== 7) await client.events.ingest(toUsageEvent(response, { subject, request }));
}
const reportEnvironment = {
  OPENAI_ADMIN_KEY: adminKey,
  OPENAI_BASE_URL: openaiLocal.url,
  ANTHROPIC_ADMIN_KEY: adminKey,
  ANTHROPIC_BASE_URL: openaiLocal.origin,
};
const reportClients: UsageReportClient[] = [];
const notReconciled: NotReconciled[] = [];
for (const provider of listUsageReportProviders()) {
  const created = provider.createFromEnvironment(reportEnvironment);
  if (created.success) reportClients.push(created.value);
  else notReconciled.push({ name: provider.name, reason: created.error });
}

const api = createV1ReadApi({ client, baseUrl: local.url });
const app = createDashboardApp({
  reader: createOpenMeterReader({ api }),
  api,
  reportClients,
  notReconciled,
  token: undefined,
  cacheMs: 10_000,
});
const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
await new Promise((resolve) => server.once('listening', resolve));
const address = server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
const range = 'from=2026-11-20&to=2026-12-03';
const browser = await chromium.launch({
  executablePath: process.env.LLM_METER_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
try {
  mkdirSync(output, { recursive: true });
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  for (const [name, path] of [
    ['overview', `/?${range}`],
    ['customer', `/customers/customer-acme?${range}`],
    ['reconciliation', `/reconciliation?from=${reconciledDay}&to=${reconciledDay}`],
  ] as const) {
    await page.goto(`${base}${path}`, { waitUntil: 'load' });
    await page.waitForFunction(() =>
      [...document.querySelectorAll('canvas[data-chart]')].every(
        (canvas) => (canvas as HTMLCanvasElement).dataset.drawn === 'true',
      ),
    );
    await page.screenshot({ path: join(output, `${name}.png`), fullPage: true });
    console.log(`saved ${join(output, `${name}.png`)}`);
  }
} finally {
  await browser.close();
  server.close();
  await local.close();
  await openaiLocal.close();
}
