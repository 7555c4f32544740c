// Takes the README's screenshots of the dashboard: `pnpm --filter dashboard screenshots`.
//
// Seeds openmeter-local in a temporary directory with two weeks of made-up usage (four customers,
// OpenAI, Anthropic and Gemini models, one unpriced model, some estimated and settled usage),
// serves it with the dashboard app, and saves the Overview, Customer and Reconciliation pages as
// PNG files in apps/dashboard/screenshots/ with Debian's Chromium (LLM_METER_CHROMIUM elsewhere).
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { openMeterMeters } from '@llm-meter/meter-core';
import { createOpenMeterClient } from '@llm-meter/openmeter-client';
import { startOpenMeterLocal } from '@llm-meter/openmeter-local';
import { chromium } from 'playwright-core';
import { createDashboardApp } from '../src/create-dashboard-app.js';
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

const app = createDashboardApp({
  reader: createOpenMeterReader({ api: createV1ReadApi({ client, baseUrl: local.url }) }),
  openmeter: client,
  reportClients: [],
  notReconciled: [
    { name: 'OpenAI', reason: 'OPENAI_ADMIN_KEY is not set (the screenshots use made-up data)' },
  ],
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
    ['reconciliation', `/reconciliation?${range}`],
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
}
