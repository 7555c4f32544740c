import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { UsageReportClient } from '@llm-meter/reconcile';
import { type Context, Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { secureHeaders } from 'hono/secure-headers';
import { dashboardScript, dashboardStyles } from './assets/dashboard-assets.js';
import { checkDashboardToken } from './check-dashboard-token.js';
import { CustomerPage } from './pages/customer-page.js';
import { Layout } from './pages/layout.js';
import { OverviewPage } from './pages/overview-page.js';
import { type NotReconciled, ReconciliationPage } from './pages/reconciliation-page.js';
import type { OpenMeterReader } from './read/create-openmeter-reader.js';
import type { OpenMeterReadApi } from './read/open-meter-read-api.js';
import { readReconciliation } from './read/read-reconciliation.js';
import { safeReadDayRange } from './read-day-range.js';

/** The cookie a token given once as `?token=` is kept in (HttpOnly, SameSite=Strict). */
export const dashboardTokenCookie = 'llm_meter_dashboard_token';

/** Chart.js's UMD build, read from node_modules once: the dashboard needs no CDN. */
function readChartScript(): string {
  const require = createRequire(import.meta.url);
  return readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
}

/**
 * The dashboard's Hono app: the overview, customer and reconciliation pages rendered on the
 * server from `reader`, the chart library and the page script as files, a strict
 * Content-Security-Policy (scripts, styles and images from 'self' only; no frames, no inline
 * code), and, with `token`, every request refused without it (`Authorization: Bearer`, or
 * `?token=` once, kept in an HttpOnly cookie).
 */
export function createDashboardApp({
  reader,
  api,
  reportClients,
  notReconciled,
  token,
  cacheMs,
  now = () => new Date(),
}: {
  reader: OpenMeterReader;
  /**
   * For the reconciliation: OpenMeter's meters (read-only queries, v1's client or v3's meter
   * reader) and each query as the page shows it (`createV1ReadApi`, `createV3ReadApi`).
   */
  api: Pick<OpenMeterReadApi, 'meters' | 'showMeterQuery'>;
  /** The providers' usage report clients whose keys are configured. */
  reportClients: readonly UsageReportClient[];
  notReconciled: readonly NotReconciled[];
  token: string | undefined;
  /** How long the reader keeps answers, said on every page. */
  cacheMs: number;
  now?: (() => Date) | undefined;
}): Hono {
  const app = new Hono();
  const chartScript = readChartScript();
  const cacheSeconds = Math.round(cacheMs / 1000);
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        connectSrc: ["'none'"],
        formAction: ["'self'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
      },
      referrerPolicy: 'no-referrer',
    }),
  );
  if (token !== undefined) {
    app.use(async (context, next) => {
      const header = context.req.header('authorization');
      const bearer = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
      const query = context.req.query('token');
      if (
        checkDashboardToken({ token, given: bearer ?? getCookie(context, dashboardTokenCookie) })
      ) {
        return next();
      }
      if (checkDashboardToken({ token, given: query })) {
        setCookie(context, dashboardTokenCookie, query as string, {
          httpOnly: true,
          sameSite: 'Strict',
          path: '/',
        });
        const url = new URL(context.req.url);
        url.searchParams.delete('token');
        return context.redirect(`${url.pathname}${url.search}`, 303);
      }
      return context.text(
        'This dashboard needs its token (LLM_METER_DASHBOARD_TOKEN): open it once as /?token=<token>, or send Authorization: Bearer <token>.',
        401,
      );
    });
  }
  const asset = (body: string, type: string) => (context: Context) =>
    context.body(body, 200, { 'content-type': type, 'cache-control': 'max-age=300' });
  app.get('/assets/chart.umd.js', asset(chartScript, 'text/javascript; charset=utf-8'));
  app.get('/assets/dashboard.js', asset(dashboardScript, 'text/javascript; charset=utf-8'));
  app.get('/assets/dashboard.css', asset(dashboardStyles, 'text/css; charset=utf-8'));
  app.get('/favicon.ico', (context) => context.body(null, 204));

  const readRange = (context: Context) =>
    safeReadDayRange({ from: context.req.query('from'), to: context.req.query('to'), now });
  const problem = (context: Context, status: 400 | 502, message: string) => {
    context.status(status);
    return context.html(
      <Layout
        title={status === 400 ? 'Bad request' : 'OpenMeter did not answer'}
        range={undefined}
        cacheSeconds={cacheSeconds}
        queries={[]}
      >
        <p class="error">{message}</p>
      </Layout>,
    );
  };

  app.get('/', async (context) => {
    const range = readRange(context);
    if (!range.success) return problem(context, 400, range.error);
    const data = await reader.readOverview(range.value);
    return context.html(<OverviewPage data={data} {...range.value} cacheSeconds={cacheSeconds} />);
  });
  app.get('/customers/:subject', async (context) => {
    const range = readRange(context);
    if (!range.success) return problem(context, 400, range.error);
    const subject = context.req.param('subject');
    const data = await reader.readCustomer({ subject, ...range.value });
    return context.html(
      <CustomerPage subject={subject} data={data} {...range.value} cacheSeconds={cacheSeconds} />,
    );
  });
  app.get('/reconciliation', async (context) => {
    const range = readRange(context);
    if (!range.success) return problem(context, 400, range.error);
    const data = await readReconciliation({
      api,
      reportClients,
      ...range.value,
    });
    return context.html(
      <ReconciliationPage
        data={data}
        notReconciled={notReconciled}
        {...range.value}
        cacheSeconds={cacheSeconds}
      />,
    );
  });
  app.onError((error, context) => problem(context, 502, error.message));
  return app;
}
