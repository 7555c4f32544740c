import { Hono } from 'hono';
import type { ProviderAdapter } from './providers/provider-adapter.js';
import { providerAdapters } from './providers/registry.js';
import type { ProxyOptions } from './proxy-types.js';
import { createSessionMetering } from './relay/create-session-metering.js';
import { createProxyContext, type ProxyEnv } from './relay/proxy-context.js';
import { relayMeteredCall } from './relay/relay-metered-call.js';
import { relayPassThrough } from './relay/relay-pass-through.js';
import { createTenantGuard } from './tenancy/create-tenant-guard.js';

/**
 * Creates the metering proxy as a Hono app, to be served by `@hono/node-server`: each provider's
 * metered routes (OpenAI's `/v1/chat/completions`, `/v1/responses` and `/v1/embeddings`) are
 * forwarded and metered (exactly one usage event per response, streams included), every other
 * path below a provider's base path (`/v1/*`) is passed through unmetered, `/healthz` and
 * `/metrics` answer locally. Upstream answers pass through unchanged, written straight to the
 * caller's socket; metering never fails a call.
 */
export function createProxyApp(options: ProxyOptions): Hono<ProxyEnv> {
  const providers = options.providers ?? providerAdapters;
  // Paths no provider owns (and the proxy's own failures) answer in the first provider's shape.
  const [fallback] = providers;
  if (!fallback) throw new TypeError('createProxyApp: options.providers names no provider');
  // Each pass-through prefix, with the providers below it: those that claim a request by its
  // headers first, then the one that takes the rest.
  const passThrough = new Map<string, ProviderAdapter[]>();
  for (const provider of providers)
    for (const path of provider.passThroughPaths)
      passThrough.set(path, [...(passThrough.get(path) ?? []), provider]);
  const served = [
    ...providers.flatMap((provider) => provider.routes.map((route) => route.path)),
    ...[...passThrough.keys()].map((path) => `${path}/*`),
  ];
  const logger = options.logger ?? { warn: (message: string) => console.warn(message) };
  const meteredPaths = providers.flatMap((provider) => provider.routes.map((route) => route.path));
  const context = createProxyContext({
    options: { ...options, logger },
    // Per provider: whether the proxy sends its own key decides whether its callers share an
    // account; refusals are in the provider's error shape.
    createTenantGuard: ({ adapter, isolated }) =>
      createTenantGuard({
        isolated,
        allowedRoutes: options.allowedRoutes,
        meteredPaths,
        tenancy: adapter.tenancy,
        keySetting: adapter.keySetting,
        owners: options.objectOwners,
        onOwnerLookupError: (error) =>
          logger.warn(`proxy: could not look up an object's owner: ${(error as Error).message}`),
        errorResponse: adapter.errorResponse,
      }),
  });
  const metering = createSessionMetering({
    usage: options.usage,
    metrics: options.metrics,
    logger,
    now: context.now,
  });
  // Not strict: `/v1/chat/completions/` is the metered route too, never an unmetered pass-through.
  const app = new Hono<ProxyEnv>({ strict: false });

  app.onError((error) => {
    logger.warn(`proxy: internal error: ${(error as Error).message}`);
    return fallback.errorResponse({
      status: 500,
      message: 'The metering proxy failed to handle the request.',
      kind: 'server',
      code: null,
    });
  });
  app.notFound((c) =>
    fallback.errorResponse({
      status: 404,
      message: `Unknown path ${c.req.path}: the proxy serves ${served.join(', ')}, /healthz and /metrics.`,
      kind: 'invalid_request',
      code: 'unknown_url',
    }),
  );

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/metrics', async () => {
    const body = await options.metrics.registry.metrics();
    return new Response(body, {
      headers: { 'content-type': options.metrics.registry.contentType },
    });
  });

  // Every provider's metered routes before any pass-through: Anthropic's `/v1/messages` lies
  // below OpenAI's `/v1`.
  for (const adapter of providers)
    for (const route of adapter.routes)
      app.on(route.method, route.path, (c) =>
        relayMeteredCall({ context, metering, adapter, route, c }),
      );
  for (const [path, adapters] of passThrough) {
    const fallbackOfPath = adapters.find((adapter) => !adapter.claims) ?? adapters[0];
    app.all(`${path}/*`, (c) => {
      const request = {
        headers: c.env.incoming.headers,
        query: new URL(c.req.url).searchParams,
      };
      const adapter =
        adapters.find((candidate) => candidate.claims?.(request)) ?? fallbackOfPath ?? fallback;
      return relayPassThrough({ context, adapter, c });
    });
  }
  return app;
}
