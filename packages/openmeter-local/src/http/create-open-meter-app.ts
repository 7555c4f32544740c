import { Hono, type MiddlewareHandler } from 'hono';
import type { OpenMeterLocalLogger } from '../create-logger.js';
import { createQueryRunner, type QueryRunner } from '../query/create-query-runner.js';
import type { OpenMeterStore } from '../storage/open-meter-store.js';
import { createAuthorizationCheck } from './check-authorization.js';
import { createBodyLimit } from './create-body-limit.js';
import {
  handleCreateEntitlement,
  handleCreateGrant,
  handleDeleteEntitlement,
  handleGetEntitlement,
  handleGetEntitlementById,
  handleGetEntitlementValue,
  handleListEntitlements,
  handleListGrants,
  handleListSubjectEntitlements,
  handleResetEntitlement,
  handleVoidGrant,
} from './handle-entitlements.js';
import { handleIngestEvents, handleListEvents } from './handle-events.js';
import {
  handleCreateFeature,
  handleDeleteFeature,
  handleGetFeature,
  handleListFeatures,
} from './handle-features.js';
import {
  handleListGroupByValues,
  handleListMeterSubjects,
  handleQueryMeter,
} from './handle-meter-query.js';
import {
  handleCreateMeter,
  handleDeleteMeter,
  handleGetMeter,
  handleListMeters,
} from './handle-meters.js';
import { createProblem, HttpProblem } from './http-problem.js';
import type { Reply, RouteHandler } from './reply.js';
import type { RequestLimits } from './request-limits.js';
import {
  handleV3CreateCustomer,
  handleV3DeleteCustomer,
  handleV3GetCustomer,
  handleV3ListCustomers,
  handleV3UpsertCustomer,
} from './v3/handle-v3-customers.js';
import { handleV3IngestEvents, handleV3ListEvents } from './v3/handle-v3-events.js';
import {
  handleV3CreateMeter,
  handleV3DeleteMeter,
  handleV3GetMeter,
  handleV3ListMeters,
  handleV3QueryMeter,
} from './v3/handle-v3-meters.js';
import { v3CostRoutes } from './v3/v3-cost-routes.js';

/**
 * Options of `createOpenMeterApp`.
 * @see https://hono.dev/docs/api/hono
 */
export interface OpenMeterAppOptions {
  store: OpenMeterStore;
  logger: OpenMeterLocalLogger;
  /** When set, every request must send `Authorization: Bearer <apiKey>`. */
  apiKey?: string | undefined;
  limits: RequestLimits;
  /** Runs meter queries; default: in process, on the store's own connection. */
  queries?: QueryRunner;
  /** The server's clock; default `() => new Date()`. */
  now?: (() => Date) | undefined;
}

interface Route {
  path: string;
  methods: Record<string, RouteHandler>;
}

const ROUTES: Route[] = [
  { path: '/api/v1/events', methods: { GET: handleListEvents, POST: handleIngestEvents } },
  { path: '/api/v1/meters', methods: { GET: handleListMeters, POST: handleCreateMeter } },
  {
    path: '/api/v1/meters/:meterIdOrSlug',
    methods: { GET: handleGetMeter, DELETE: handleDeleteMeter },
  },
  {
    path: '/api/v1/meters/:meterIdOrSlug/query',
    methods: { GET: handleQueryMeter, POST: handleQueryMeter },
  },
  { path: '/api/v1/meters/:meterIdOrSlug/subjects', methods: { GET: handleListMeterSubjects } },
  {
    path: '/api/v1/meters/:meterIdOrSlug/group-by/:groupByKey/values',
    methods: { GET: handleListGroupByValues },
  },
  { path: '/api/v1/features', methods: { GET: handleListFeatures, POST: handleCreateFeature } },
  {
    path: '/api/v1/features/:featureId',
    methods: { GET: handleGetFeature, DELETE: handleDeleteFeature },
  },
  { path: '/api/v1/entitlements', methods: { GET: handleListEntitlements } },
  { path: '/api/v1/entitlements/:entitlementId', methods: { GET: handleGetEntitlementById } },
  {
    path: '/api/v1/subjects/:subjectIdOrKey/entitlements',
    methods: { GET: handleListSubjectEntitlements, POST: handleCreateEntitlement },
  },
  {
    path: '/api/v1/subjects/:subjectIdOrKey/entitlements/:entitlementId',
    methods: { GET: handleGetEntitlement, DELETE: handleDeleteEntitlement },
  },
  {
    path: '/api/v1/subjects/:subjectIdOrKey/entitlements/:entitlementIdOrFeatureKey/value',
    methods: { GET: handleGetEntitlementValue },
  },
  {
    path: '/api/v1/subjects/:subjectIdOrKey/entitlements/:entitlementIdOrFeatureKey/grants',
    methods: { GET: handleListGrants, POST: handleCreateGrant },
  },
  {
    path: '/api/v1/subjects/:subjectIdOrKey/entitlements/:entitlementId/reset',
    methods: { POST: handleResetEntitlement },
  },
  { path: '/api/v1/grants/:grantId', methods: { DELETE: handleVoidGrant } },
  // OpenMeter's v3 API over the same store.
  {
    path: '/api/v3/openmeter/events',
    methods: { GET: handleV3ListEvents, POST: handleV3IngestEvents },
  },
  {
    path: '/api/v3/openmeter/meters',
    methods: { GET: handleV3ListMeters, POST: handleV3CreateMeter },
  },
  {
    path: '/api/v3/openmeter/meters/:meterId',
    methods: { GET: handleV3GetMeter, DELETE: handleV3DeleteMeter },
  },
  { path: '/api/v3/openmeter/meters/:meterId/query', methods: { POST: handleV3QueryMeter } },
  {
    path: '/api/v3/openmeter/customers',
    methods: { GET: handleV3ListCustomers, POST: handleV3CreateCustomer },
  },
  {
    path: '/api/v3/openmeter/customers/:customerId',
    methods: {
      GET: handleV3GetCustomer,
      PUT: handleV3UpsertCustomer,
      DELETE: handleV3DeleteCustomer,
    },
  },
  ...v3CostRoutes,
];

function toResponse(reply: Reply): Response {
  const payload =
    reply.body === undefined
      ? null
      : reply.contentType
        ? String(reply.body)
        : JSON.stringify(reply.body);
  const headers = new Headers(reply.headers);
  if (payload !== null) headers.set('content-type', reply.contentType ?? 'application/json');
  return new Response(payload, { status: reply.status, headers });
}

/**
 * Middleware answering 401 unless the request carries `Authorization: Bearer <apiKey>`, checked
 * in constant time.
 */
export function createBearerAuth(apiKey: string): MiddlewareHandler {
  const isAuthorized = createAuthorizationCheck(apiKey);
  return async (context, next) => {
    if (!isAuthorized(context.req.header('authorization'))) {
      throw new HttpProblem(
        401,
        'Missing or wrong API key: send Authorization: Bearer <key> with the key the server was started with.',
        { headers: { 'www-authenticate': 'Bearer' } },
      );
    }
    await next();
  };
}

/**
 * Builds openmeter-local's HTTP API as a Hono app: request log, bearer auth, a path check (bad
 * percent-encoding is a 400), a body limit (413), the OpenMeter routes, and RFC 9457 problems
 * for every failure (404 unknown route, 405 wrong method with `Allow`, 500 logged). Call
 * `app.fetch(request)` in process, or serve it (`startOpenMeterLocal` does).
 * @see https://hono.dev/docs/api/hono
 */
export function createOpenMeterApp({
  store,
  logger,
  apiKey,
  limits,
  queries = createQueryRunner({ store, dbPath: ':memory:' }),
  now = () => new Date(),
}: OpenMeterAppOptions): Hono {
  const app = new Hono({ strict: false });
  let requestCount = 0;

  app.onError((error, context) => {
    if (!(error instanceof HttpProblem)) {
      logger.error('request failed', {
        method: context.req.method,
        path: context.req.path,
        error: String(error),
      });
    }
    const problem =
      error instanceof HttpProblem
        ? error
        : new HttpProblem(500, 'Internal error in openmeter-local; see its log.', {
            cause: error,
          });
    const body = createProblem({
      status: problem.status,
      detail: problem.detail,
      instance: `urn:request:openmeter-local/${++requestCount}`,
      extensions: problem.extensions,
      // v3 problems carry their members at the top level (`invalid_parameters` on a 400).
      flat: context.req.path.startsWith('/api/v3/'),
    });
    const headers = new Headers(problem.headers);
    headers.set('content-type', 'application/problem+json');
    return new Response(JSON.stringify(body), { status: problem.status, headers });
  });
  app.notFound((context) => {
    throw new HttpProblem(
      404,
      `No route ${context.req.path}: openmeter-local serves /api/v1/events, /api/v1/meters/..., /api/v1/features/..., /api/v1/subjects/{subject}/entitlements/... and /api/v3/openmeter/events, /meters/..., /customers/..., /features/... and /llm-cost/...`,
    );
  });

  app.use(async (context, next) => {
    const started = performance.now();
    await next();
    logger.debug(`${context.req.method} ${context.req.path} ${context.res.status}`, {
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    });
  });
  if (apiKey) app.use(createBearerAuth(apiKey));
  app.use(async (context, next) => {
    const rawPath = new URL(context.req.url).pathname;
    try {
      decodeURIComponent(rawPath);
    } catch (error) {
      throw new HttpProblem(400, `The path ${rawPath} is not valid percent-encoding.`, {
        cause: error,
      });
    }
    await next();
  });
  app.use(createBodyLimit(limits.maxBodyBytes));

  for (const route of ROUTES) {
    for (const [method, handler] of Object.entries(route.methods)) {
      app.on(method, route.path, async (context) => {
        const reply = await handler({
          request: context.req.raw,
          url: new URL(context.req.url),
          store,
          queries,
          limits,
          now,
          parameters: context.req.param() as Record<string, string>,
        });
        return toResponse(reply);
      });
    }
    const allow = Object.keys(route.methods).join(', ');
    app.all(route.path, (context) => {
      throw new HttpProblem(
        405,
        `${context.req.method} is not allowed on ${context.req.path}: use ${allow}.`,
        { headers: { allow } },
      );
    });
  }
  return app;
}
