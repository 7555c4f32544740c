import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queryUsageTable } from '@llm-meter/app-kit';
import { seedUsageEvents } from '@llm-meter/app-kit/testing';
import { openMeterMeters } from '@llm-meter/meter-core';
import { startOpenAILocal } from '@llm-meter/openai-local';
import { createOpenMeterClient } from '@llm-meter/openmeter-client';
import { type OpenMeterLocal, startOpenMeterLocal } from '@llm-meter/openmeter-local';
import { createOpenAIUsageReport } from '@llm-meter/reconcile';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDashboardApp } from './create-dashboard-app.js';
import { createOpenMeterReader } from './read/create-openmeter-reader.js';
import { createV1ReadApi } from './read/create-v1-read-api.js';

const token = 'a-token-of-thirty-two-characters';
const range = 'from=2026-12-01&to=2026-12-02';

describe('createDashboardApp', () => {
  let local: OpenMeterLocal;
  const createApp = (appToken?: string) => {
    const api = createV1ReadApi({
      client: createOpenMeterClient({ baseUrl: local.url }),
      baseUrl: local.url,
    });
    return createDashboardApp({
      reader: createOpenMeterReader({ api }),
      api,
      reportClients: [],
      notReconciled: [],
      token: appToken,
      cacheMs: 10_000,
      now: () => new Date('2026-12-02T18:00:00Z'),
    });
  };
  beforeAll(async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'dashboard-')), 'openmeter-local.db');
    await seedUsageEvents({ dbPath });
    local = await startOpenMeterLocal({ meters: openMeterMeters, dbPath });
  });
  afterAll(() => local?.close());

  test('the overview shows the totals OpenMeter answers, a strict CSP, the queries without a key, and escapes a subject', async () => {
    const response = await createApp().request(`/?${range}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    );
    const html = await response.text();
    const rows = await queryUsageTable({
      client: createOpenMeterClient({ baseUrl: local.url }),
      from: new Date('2026-12-01T00:00:00Z'),
      to: new Date('2026-12-03T00:00:00Z'),
    });
    const total = rows.reduce((sum, row) => sum + row.total_tokens, 0);
    expect(total).toBe(4044);
    expect(html).toContain(
      `data-metric="total_tokens" title="from OpenMeter query #q-total_tokens">${total}</a>`,
    );
    expect(html).toContain(
      `GET ${local.url}/api/v1/meters/llm_tokens_total/query?windowSize=DAY&amp;windowTimeZone=UTC&amp;groupBy=subject`,
    );
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;alert(&quot;subject&quot;)&lt;/script&gt;');
    expect(html).toContain('unpriced (unknown model)');
  });

  test('a customer page, and a bad range answered 400 with what is wrong', async () => {
    const app = createApp();
    const page = await (await app.request(`/customers/customer-acme?${range}`)).text();
    expect(page).toMatch(/data-metric="total_tokens"[^>]*>3670<\/a>/);
    expect(page).toContain('seed-3');
    const bad = await app.request('/?from=2026-02-30');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain(
      'from must be a UTC day YYYY-MM-DD, got &quot;2026-02-30&quot;',
    );
  });

  test('the reconciliation escapes a model named like a script and links its metered figures to the listed queries', async () => {
    const day = '2026-12-05';
    const adminKey = 'sk-admin-dashboard-app-test';
    const openaiLocal = await startOpenAILocal({ adminKey });
    try {
      const model = '<img src=x onerror=alert(1)>';
      await createOpenMeterClient({ baseUrl: local.url }).events.ingest({
        id: 'reconcile-xss',
        source: 'test',
        type: 'openai',
        subject: 'customer-acme',
        time: `${day}T10:00:00.000Z`,
        data: {
          provider: 'openai',
          model,
          service_tier: 'default',
          usage_source: 'provider',
          prompt_tokens: 7,
          cached_tokens: 0,
          completion_tokens: 3,
          total_tokens: 10,
        },
      });
      const api = createV1ReadApi({
        client: createOpenMeterClient({ baseUrl: local.url }),
        baseUrl: local.url,
      });
      const app = createDashboardApp({
        reader: createOpenMeterReader({ api }),
        api,
        reportClients: [createOpenAIUsageReport({ adminKey, baseUrl: openaiLocal.url })],
        notReconciled: [],
        token: undefined,
        cacheMs: 10_000,
      });
      const response = await app.request(`/reconciliation?from=${day}&to=${day}`);
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).not.toContain(model);
      expect(html).toContain('<td>&lt;img src=x onerror=alert(1)&gt;</td>');
      // Nothing reported: the input row is drift (!), its metered 7 linked to the prompt query.
      expect(html).toMatch(
        /<tr data-day="2026-12-05" data-model="&lt;img src=x onerror=alert\(1\)&gt;" data-tier="default" data-metric="input" class="past">.*?<a class="n" href="#q-prompt_tokens" data-metric="metered"[^>]*>7<\/a>.*?<td class="mark">!<\/td>/,
      );
      expect(html).toContain(
        `<li id="q-prompt_tokens"><code class="query-url">GET ${local.url}/api/v1/meters/llm_prompt_tokens/query?from=2026-12-05T00%3A00%3A00.000Z&amp;to=2026-12-06T00%3A00%3A00.000Z&amp;windowSize=DAY&amp;windowTimeZone=UTC&amp;groupBy=model`,
      );
    } finally {
      await openaiLocal.close();
    }
  });

  test('with a token, every request needs it; ?token= once sets an HttpOnly cookie', async () => {
    const app = createApp(token);
    expect((await app.request('/')).status).toBe(401);
    expect((await app.request('/assets/dashboard.js')).status).toBe(401);
    expect(
      (await app.request('/', { headers: { authorization: `Bearer ${token}x` } })).status,
    ).toBe(401);
    expect(
      (await app.request(`/?${range}`, { headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(200);
    const login = await app.request(`/?token=${token}&${range}`);
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe(`/?${range}`);
    const cookie = login.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const withCookie = await app.request(`/?${range}`, {
      headers: { cookie: cookie.split(';')[0] as string },
    });
    expect(withCookie.status).toBe(200);
  });
});
