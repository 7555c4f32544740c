import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import {
  type AppProcessResult,
  cleanAppEnvironment,
  seedUsageEvents,
  startAppProcess,
} from '@llm-meter/app-kit/testing';
import {
  createAnthropicUsageEvent,
  createRefusalEvent,
  openMeterMeters,
  toUsageEvent,
} from '@llm-meter/meter-core';
import { startOpenAILocal } from '@llm-meter/openai-local';
import { createOpenMeterClient, type MeterQueryParams } from '@llm-meter/openmeter-client';
import { createOpenMeterV3Client, createV3MeterReader } from '@llm-meter/openmeter-client/v3';
import { startOpenMeterLocal } from '@llm-meter/openmeter-local';
import { formatUsd } from '@llm-meter/prices';
import {
  isPastThreshold,
  listUsageReportProviders,
  type ReconcileReport,
  reconcileUsage,
} from '@llm-meter/reconcile';
import OpenAI from 'openai';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

// The dashboard as `pnpm dashboard` runs it (a child process on a seeded data directory), read
// by Debian's Chromium through playwright-core. `.ci/run` installs chromium with apt-get.
const chromiumPath = process.env.LLM_METER_CHROMIUM || '/usr/bin/chromium';
const appDirectory = new URL('..', import.meta.url);
const token = 'a-token-of-thirty-two-characters';
const range = 'from=2026-12-01&to=2026-12-02';
const xssSubject = '<script>alert("subject")</script>';

interface Dashboard {
  url: string;
  stop(): Promise<AppProcessResult>;
}

function startDashboard({
  dataDir,
  args,
  env = {},
}: {
  dataDir: string;
  args: string[];
  env?: Record<string, string>;
}): Promise<Dashboard> {
  return new Promise((resolve, reject) => {
    const { child, done } = startAppProcess({
      appDirectory,
      args,
      env: cleanAppEnvironment({ LLM_METER_DATA_DIR: dataDir, ...env }),
      onStdout: (stdout) => {
        const match = /^dashboard: (http:\/\/\S+\/) /m.exec(stdout);
        if (match) {
          resolve({
            url: (match[1] as string).replace('0.0.0.0', '127.0.0.1'),
            stop: () => {
              child.kill('SIGTERM');
              return done;
            },
          });
        }
      },
    });
    done.then((result) => reject(new Error(`the dashboard stopped: ${JSON.stringify(result)}`)));
  });
}

/** Opens `url`, failing on any console error, page error or dialog (a script that ran). */
async function openPage({ browser, url }: { browser: Browser; url: string }) {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  const response = await page.goto(url, { waitUntil: 'load' });
  return { page, response, problems };
}

const textOf = async (page: Page, selector: string) =>
  (await page.locator(selector).first().textContent())?.trim();

describe('the dashboard in Chromium', { timeout: 600_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'dashboard-browser-'));
  const dbPath = join(dataDir, 'openmeter-local.db');
  let browser: Browser;
  let dashboard: Dashboard;
  // OpenMeter's own answers for the seeded data, read before the dashboard opens the database.
  const expected = { total: 0, acmeTotal: 0, acmePrompt: 0, sources: 0, acmeRefusals: 0 };

  beforeAll(async () => {
    if (!existsSync(chromiumPath)) {
      throw new Error(
        `no Chromium at ${chromiumPath}: apt-get install chromium (as .ci/run does), or set LLM_METER_CHROMIUM`,
      );
    }
    await seedUsageEvents({ dbPath });
    const local = await startOpenMeterLocal({ meters: openMeterMeters, dbPath });
    try {
      const client = createOpenMeterClient({ baseUrl: local.url });
      const window: MeterQueryParams = {
        from: new Date('2026-12-01T00:00:00Z'),
        to: new Date('2026-12-03T00:00:00Z'),
      };
      const sum = async (meter: string, params: MeterQueryParams) =>
        (await client.meters.query(meter, { ...window, ...params })).data.reduce(
          (total, row) => total + row.value,
          0,
        );
      expected.total = await sum('llm_tokens_total', {});
      expected.acmeTotal = await sum('llm_tokens_total', { subject: ['customer-acme'] });
      expected.acmePrompt = await sum('llm_prompt_tokens', { subject: ['customer-acme'] });
      // Two calls the budget gate refused for customer-acme, as the proxy and wrappers record them.
      await client.events.ingest(
        [
          { id: 'refusal-1', model: 'gpt-4o-mini', time: '2026-12-02T13:00:00.000Z' },
          { id: 'refusal-2', model: 'gpt-4o-mini', time: '2026-12-02T14:00:00.000Z' },
        ].map(({ id, model, time }) =>
          createRefusalEvent({
            id,
            subject: 'customer-acme',
            feature: 'llm_tokens',
            requestedUnits: 4_200,
            availableUnits: 100,
            limitUnits: 10_000,
            requestedModel: model,
            now: () => new Date(time),
          }),
        ),
      );
      expected.acmeRefusals = await sum('llm_budget_refusals', { subject: ['customer-acme'] });
    } finally {
      await local.close();
    }
    dashboard = await startDashboard({ dataDir, args: ['--port', '0'] });
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await dashboard?.stop();
  });

  test('the overview draws its charts with no console error, and its numbers are OpenMeter query results', async () => {
    const { page, response, problems } = await openPage({
      browser,
      url: `${dashboard.url}?${range}`,
    });
    expect(response?.status()).toBe(200);
    await expect.poll(() => page.locator('canvas[data-drawn="true"]').count()).toBe(2);
    expect(await textOf(page, '.totals [data-metric="total_tokens"]')).toBe(String(expected.total));
    expect(
      await textOf(page, 'tr[data-subject="customer-acme"] [data-metric="total_tokens"]'),
    ).toBe(String(expected.acmeTotal));
    expect(
      await textOf(page, 'tr[data-subject="customer-acme"] [data-metric="prompt_tokens"]'),
    ).toBe(String(expected.acmePrompt));
    expect(await textOf(page, '.totals [data-metric="cost"]')).toMatch(
      /^\$\d+\.\d{6} \+ 1 unpriced$/,
    );
    // Each number's link leads to a query listed on the page.
    const href = await page.locator('.totals [data-metric="total_tokens"]').getAttribute('href');
    expect(await textOf(page, `${href} code`)).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/meters\/llm_tokens_total\/query\?/,
    );
    expect(problems).toEqual([]);
    await page.close();
  });

  test('a subject named like a script is shown as text, on the overview and on its own page', async () => {
    const overview = await openPage({ browser, url: `${dashboard.url}?${range}` });
    const link = overview.page.locator('#customers a', { hasText: 'alert' });
    expect(await link.textContent()).toBe(xssSubject);
    await link.click();
    await overview.page.waitForURL(/\/customers\//);
    expect(await textOf(overview.page, 'h1')).toBe(`Customer ${xssSubject}`);
    expect(
      await overview.page.evaluate(() => document.querySelectorAll('main script').length),
    ).toBe(0);
    expect(overview.problems).toEqual([]);
    await overview.page.close();
  });

  test('the customer and reconciliation pages load with no console error', async () => {
    const customer = await openPage({
      browser,
      url: `${dashboard.url}customers/customer-acme?${range}`,
    });
    expect(customer.response?.status()).toBe(200);
    expect(await textOf(customer.page, '.totals [data-metric="total_tokens"]')).toBe(
      String(expected.acmeTotal),
    );
    // Three usage events and two refusals; the refusals counted apart, never as tokens.
    expect(await customer.page.locator('#events tbody tr').count()).toBe(5);
    expect(expected.acmeRefusals).toBe(2);
    const refusals = customer.page.locator('[data-metric="refusals"]').first();
    expect((await refusals.textContent())?.trim()).toBe(String(expected.acmeRefusals));
    expect(await textOf(customer.page, `${await refusals.getAttribute('href')} code`)).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/meters\/llm_budget_refusals\/query\?/,
    );
    expect(customer.problems).toEqual([]);
    await customer.page.close();
    const reconciliation = await openPage({
      browser,
      url: `${dashboard.url}reconciliation?${range}`,
    });
    expect(reconciliation.response?.status()).toBe(200);
    expect(await textOf(reconciliation.page, 'h1')).toBe('Reconciliation');
    expect(await reconciliation.page.locator('main li').first().textContent()).toContain(
      'OPENAI_ADMIN_KEY is not set',
    );
    expect(reconciliation.problems).toEqual([]);
    await reconciliation.page.close();
  });
});

describe('the dashboard in Chromium on v3 (OPENMETER_API_VERSION=v3)', { timeout: 600_000 }, () => {
  test('the overview and a customer page show what the v3 queries they link to answer', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dashboard-browser-v3-'));
    const dbPath = join(dataDir, 'openmeter-local.db');
    // Delivered as the apps deliver on v3: customers, and token-type events beside each usage event.
    await seedUsageEvents({ dbPath, apiVersion: 'v3' });
    // OpenMeter's own v3 answers, read before the dashboard opens the database.
    const expected = { total: 0, acmeTotal: 0 };
    const local = await startOpenMeterLocal({ meters: openMeterMeters, dbPath });
    try {
      const client = createOpenMeterV3Client({ baseUrl: `${local.url}/api/v3` });
      const [meter] = (await client.meters.list({ filter: { key: 'llm_tokens_total' } })).data;
      const sum = async (subject?: string) =>
        (
          await client.meters.query(meter?.id ?? 'missing', {
            from: '2026-12-01T00:00:00Z',
            to: '2026-12-03T00:00:00Z',
            ...(subject ? { filters: { dimensions: { subject: { in: [subject] } } } } : {}),
          })
        ).data.reduce((total, row) => total + Number(row.value), 0);
      expected.total = await sum();
      expected.acmeTotal = await sum('customer-acme');
    } finally {
      await local.close();
    }
    expect(expected.total).toBeGreaterThan(0);
    const dashboard = await startDashboard({
      dataDir,
      args: ['--port', '0'],
      env: { OPENMETER_API_VERSION: 'v3' },
    });
    const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
    try {
      const overview = await openPage({ browser, url: `${dashboard.url}?${range}` });
      expect(overview.response?.status()).toBe(200);
      await expect.poll(() => overview.page.locator('canvas[data-drawn="true"]').count()).toBe(2);
      expect(await textOf(overview.page, '.totals [data-metric="total_tokens"]')).toBe(
        String(expected.total),
      );
      const href = await overview.page
        .locator('.totals [data-metric="total_tokens"]')
        .getAttribute('href');
      expect(await textOf(overview.page, `${href} code.query-url`)).toMatch(
        /^POST http:\/\/127\.0\.0\.1:\d+\/api\/v3\/openmeter\/meters\/[0-9A-Z]{26}\/query$/,
      );
      expect(await textOf(overview.page, `${href} code.query-body`)).toContain(
        '"granularity":"P1D"',
      );
      expect(overview.problems).toEqual([]);
      await overview.page.close();

      const customer = await openPage({
        browser,
        url: `${dashboard.url}customers/customer-acme?${range}`,
      });
      // The page's total is the v3 query's, and it names the customer the subject is attributed to.
      expect({
        status: customer.response?.status(),
        total: await textOf(customer.page, '.totals [data-metric="total_tokens"]'),
        customer: await textOf(customer.page, '#customer a'),
      }).toEqual({ status: 200, total: String(expected.acmeTotal), customer: 'customer-acme' });
      // The three usage events, none of the token-type events sent beside them.
      expect(await customer.page.locator('#events tbody tr').count()).toBe(3);
      expect(customer.problems).toEqual([]);
      await customer.page.close();
    } finally {
      await browser.close();
      await dashboard.stop();
    }
  });
});

describe('the dashboard off localhost', { timeout: 600_000 }, () => {
  test('refuses to listen beyond this machine without a token, and with one asks every browser for it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dashboard-token-'));
    await seedUsageEvents({ dbPath: join(dataDir, 'openmeter-local.db') });
    const refused = await startAppProcess({
      appDirectory,
      args: ['--host', '0.0.0.0', '--port', '0'],
      env: cleanAppEnvironment({ LLM_METER_DATA_DIR: dataDir }),
    }).done;
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('without a token: set LLM_METER_DASHBOARD_TOKEN');

    const dashboard = await startDashboard({
      dataDir,
      args: ['--host', '0.0.0.0', '--port', '0'],
      env: { LLM_METER_DASHBOARD_TOKEN: token },
    });
    const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
    try {
      const denied = await openPage({ browser, url: `${dashboard.url}?${range}` });
      expect(denied.response?.status()).toBe(401);
      expect(await denied.page.textContent('body')).toContain('LLM_METER_DASHBOARD_TOKEN');
      await denied.page.close();
      const context = await browser.newContext();
      const page = await context.newPage();
      const response = await page.goto(`${dashboard.url}?token=${token}&${range}`);
      expect(response?.status()).toBe(200);
      expect(page.url()).not.toContain('token=');
      await expect.poll(() => page.locator('canvas[data-drawn="true"]').count()).toBe(2);
      // The cookie now opens the other pages.
      expect((await page.goto(`${dashboard.url}customers/customer-acme?${range}`))?.status()).toBe(
        200,
      );
      await context.close();
    } finally {
      await browser.close();
      await dashboard.stop();
    }
  });
});

// On v3 the same page links each metered figure to its v3 query (POST with its body).
for (const apiVersion of ['v1', 'v3'] as const) {
  const title =
    apiVersion === 'v1'
      ? 'the reconciliation page in Chromium'
      : 'the reconciliation page in Chromium on v3 (OPENMETER_API_VERSION=v3)';
  describe(title, { timeout: 600_000 }, () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dashboard-reconciliation-'));
    const day = '2026-12-02';
    const adminKey = 'sk-admin-dashboard-browser-test';
    let openaiLocal: Awaited<ReturnType<typeof startOpenAILocal>>;
    let browser: Browser;
    let dashboard: Dashboard;
    let environment: Record<string, string>;
    // What `pnpm reconcile` computes for the same data: the page must show these rows.
    let expected: ReconcileReport[];

    beforeAll(async () => {
      openaiLocal = await startOpenAILocal({ adminKey, now: () => new Date(`${day}T09:00:00Z`) });
      environment = {
        OPENAI_ADMIN_KEY: adminKey,
        OPENAI_BASE_URL: openaiLocal.url,
        ANTHROPIC_ADMIN_KEY: adminKey,
        ANTHROPIC_BASE_URL: openaiLocal.origin,
      };
      const local = await startOpenMeterLocal({
        meters: openMeterMeters,
        dbPath: join(dataDir, 'openmeter-local.db'),
      });
      try {
        const openmeter = createOpenMeterClient({ baseUrl: local.url, retry: false });
        // Two OpenAI calls, the first one metered: OpenAI's table shows drift (!).
        const openai = new OpenAI({ baseURL: openaiLocal.url, apiKey: 'sk-test', maxRetries: 0 });
        for (const [index, content] of ['Name a prime.', 'Name an even prime.'].entries()) {
          const request = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content }] };
          const response = await openai.chat.completions.create(request);
          if (index === 0) {
            await openmeter.events.ingest(toUsageEvent(response, { subject: 'acme', request }));
          }
        }
        // One Claude message metered as an estimate 5 input tokens over: Anthropic cannot settle
        // estimates, so its table shows known drift (~).
        const anthropic = new Anthropic({
          apiKey: 'sk-ant-test',
          baseURL: openaiLocal.origin,
          maxRetries: 0,
        });
        const message = await anthropic.messages.create({
          model: 'claude-haiku-4-5',
          max_tokens: 20,
          messages: [{ role: 'user', content: 'Name a prime number.' }],
        });
        const event = createAnthropicUsageEvent(message, {
          subject: 'customer-globex',
          now: () => new Date(`${day}T09:00:00Z`),
        });
        const data = event.data as Record<string, unknown> & {
          prompt_tokens: number;
          total_tokens: number;
        };
        await openmeter.events.ingest({
          ...event,
          data: {
            ...data,
            usage_source: 'estimated',
            prompt_tokens: data.prompt_tokens + 5,
            total_tokens: data.total_tokens + 5,
          },
        });
        expected = await Promise.all(
          listUsageReportProviders()
            .map((provider) => provider.createFromEnvironment(environment))
            .filter((created) => created.success)
            .map((created) =>
              reconcileUsage({
                openmeter:
                  apiVersion === 'v1'
                    ? openmeter
                    : createV3MeterReader({
                        client: createOpenMeterV3Client({ baseUrl: `${local.url}/api/v3` }),
                      }),
                usageReport: created.value,
                from: day,
                to: day,
                threshold: 1,
              }),
            ),
        );
      } finally {
        await local.close();
      }
      dashboard = await startDashboard({
        dataDir,
        args: ['--port', '0'],
        env: { ...environment, OPENMETER_API_VERSION: apiVersion },
      });
      browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
    });
    afterAll(async () => {
      await browser?.close();
      await dashboard?.stop();
      await openaiLocal?.close();
    });

    test('shows one table per provider with the rows pnpm reconcile computes, marks and legend, and says Gemini has no usage API', async () => {
      const { page, response, problems } = await openPage({
        browser,
        url: `${dashboard.url}reconciliation?from=${day}&to=${day}`,
      });
      expect(response?.status()).toBe(200);
      expect(expected.map((report) => report.provider)).toEqual(['openai', 'anthropic']);
      const marks = new Set<string>();
      for (const report of expected) {
        const table = page.locator(`table.drift[data-provider="${report.provider}"]`);
        expect(await table.locator('th').allTextContents()).toContain(
          `reported by ${report.providerName}`,
        );
        const rows = table.locator('tbody tr');
        expect(await rows.count()).toBe(report.rows.length);
        for (const [index, row] of report.rows.entries()) {
          const shown = rows.nth(index);
          const format = (amount: number) =>
            row.metric === 'cost_usd' ? formatUsd(amount) : String(amount);
          expect(await shown.getAttribute('data-metric')).toBe(row.metric);
          expect(await shown.locator('[data-metric="metered"]').textContent()).toBe(
            format(row.metered),
          );
          const reported = shown.locator('td.reported');
          expect(await reported.textContent()).toBe(
            `${format(row.reported)} ${row.metric === 'cost_usd' ? 'cost report' : 'usage report'}`,
          );
          const mark = (await shown.locator('td.mark').textContent()) ?? '';
          expect(mark).toBe(
            row.knownDrift === true
              ? '~'
              : isPastThreshold({ row, threshold: report.threshold })
                ? '!'
                : '',
          );
          marks.add(`${report.provider}${mark}`);
        }
      }
      // The seeded data shows both marks, and the legend explains them.
      expect(marks).toContain('openai!');
      expect(marks).toContain('anthropic~');
      expect(await page.locator('#legend dt').allTextContents()).toEqual(
        expect.arrayContaining(['!', '~']),
      );
      expect(await page.locator('#not-reconciled li').allTextContents()).toEqual([
        expect.stringMatching(/^Google \(Gemini\): Google publishes no usage or cost report API/),
      ]);
      expect(problems).toEqual([]);
      await page.close();
    });

    test('each metered token figure links to the listed meter query whose rows of its day, model and tier sum to it; a cost to the list', async () => {
      const { page, problems } = await openPage({
        browser,
        url: `${dashboard.url}reconciliation?from=${day}&to=${day}`,
      });
      let checked = 0;
      for (const provider of ['openai', 'anthropic']) {
        const rows = page.locator(`table.drift[data-provider="${provider}"] tbody tr`);
        for (let index = 0; index < (await rows.count()); index++) {
          const row = rows.nth(index);
          const link = row.locator('[data-metric="metered"]');
          const href = (await link.getAttribute('href')) as string;
          if ((await row.getAttribute('data-metric')) === 'cost_usd') {
            expect(href).toBe('#queries');
            continue;
          }
          const shown = (await textOf(page, `${href} code.query-url`)) as string;
          // The query as the page shows it, sent as a user would send it.
          let answer: {
            data: Array<{ value: number; windowStart: string; groupBy?: Record<string, unknown> }>;
          };
          if (apiVersion === 'v1') {
            expect(shown).toMatch(
              /^GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/meters\/llm_\w+\/query\?/,
            );
            answer = await (await fetch(shown.replace(/^GET /, ''))).json();
          } else {
            expect(shown).toMatch(
              /^POST http:\/\/127\.0\.0\.1:\d+\/api\/v3\/openmeter\/meters\/[0-9A-Z]{26}\/query$/,
            );
            const body = (await textOf(page, `${href} code.query-body`)) as string;
            const response = await fetch(shown.replace(/^POST /, ''), {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body,
            });
            expect(response.status).toBe(200);
            const v3 = (await response.json()) as {
              data: Array<{ value: string; from: string; dimensions: Record<string, unknown> }>;
            };
            answer = {
              data: v3.data.map((row) => ({
                value: Number(row.value),
                windowStart: row.from,
                groupBy: row.dimensions,
              })),
            };
          }
          const [dayShown, model, tier] = await Promise.all(
            ['data-day', 'data-model', 'data-tier'].map((name) => row.getAttribute(name)),
          );
          const sum = answer.data
            .filter(
              ({ windowStart, groupBy = {} }) =>
                windowStart.startsWith(dayShown as string) &&
                groupBy.model === model &&
                (groupBy.service_tier ?? 'default') === tier &&
                [provider, undefined, null, ''].includes(groupBy.provider as string),
            )
            .reduce((total, { value }) => total + value, 0);
          expect(String(sum)).toBe(await link.textContent());
          checked++;
        }
      }
      expect(checked).toBeGreaterThanOrEqual(4);
      expect(problems).toEqual([]);
      await page.close();
    });
  });
}
