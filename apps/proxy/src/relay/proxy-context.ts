import type { HttpBindings } from '@hono/node-server';
import { defaultAbortGraceMs } from '@llm-meter/metering';
import type { Context } from 'hono';
import { type Dispatcher, getGlobalDispatcher } from 'undici';
import type { ProxyMetrics } from '../create-proxy-metrics.js';
import type { ProviderAdapter, ProxyError } from '../providers/provider-adapter.js';
import type { ProviderUpstream, ProxyOptions } from '../proxy-types.js';
import type { TenantGuard } from '../tenancy/create-tenant-guard.js';
import { readRequestBody } from './read-request-body.js';

/** Hono's environment on `@hono/node-server`: the Node request and response. */
export type ProxyEnv = { Bindings: HttpBindings };

/** What every relayed request shares: the options with their defaults, and the helpers on them. */
export interface ProxyContext {
  options: ProxyOptions;
  /**
   * A provider's upstream: its base URL without a trailing slash, and the proxy's own key for it
   * (undefined: the caller's key passes); undefined when none is configured.
   */
  upstreamOf(adapter: ProviderAdapter): ResolvedUpstream | undefined;
  dispatcher: Dispatcher;
  metrics: ProxyMetrics;
  logger: { warn(message: string): void };
  generateId: () => string;
  now: () => Date;
  abortGraceMs: number;
  maxBodyBytes: number;
  /** The tenant guard of a provider (isolating its callers when the proxy sends its own key). */
  tenantsOf(adapter: ProviderAdapter): TenantGuard;
  /** Counts an answered request by route and status. */
  count(route: string, status: number): void;
  /**
   * The upstream URL of a request: its path below the adapter's `upstreamPathPrefix`, and its
   * query (without the key parameters when the proxy sends its own key).
   */
  upstreamUrl(input: {
    c: Context<ProxyEnv>;
    adapter: ProviderAdapter;
    upstream: ResolvedUpstream;
  }): string;
  /** The request body, or the error refusing it (413 over `maxBodyBytes`). */
  readBody(
    c: Context<ProxyEnv>,
  ): Promise<{ success: true; body: Buffer } | { success: false; error: ProxyError }>;
  /** The 502 of an upstream that could not be reached (or broke off). */
  unreachable(error: unknown, upstream: ResolvedUpstream): ProxyError;
  /** The 502 of a provider whose upstream is not configured. */
  unconfigured(adapter: ProviderAdapter): ProxyError;
}

/** One provider's upstream as a request uses it. */
export interface ResolvedUpstream {
  base: string;
  /** The proxy's own key for it; undefined: the caller's key passes through. */
  apiKey: string | undefined;
}

/** Resolves the proxy's options into the context its relays share. */
export function createProxyContext({
  options,
  createTenantGuard,
}: {
  options: ProxyOptions;
  createTenantGuard: (input: { adapter: ProviderAdapter; isolated: boolean }) => TenantGuard;
}): ProxyContext {
  const resolve = (upstream: ProviderUpstream | undefined): ResolvedUpstream | undefined =>
    upstream && { base: upstream.baseUrl.replace(/\/+$/, ''), apiKey: upstream.apiKey };
  // OpenAI's is the proxy's first upstream; every other provider's is in `upstreams`.
  const openai = resolve({ baseUrl: options.upstreamBaseUrl, apiKey: options.upstreamApiKey });
  const upstreams = new Map<string, ResolvedUpstream | undefined>(
    Object.entries(options.upstreams ?? {}).map(([id, upstream]) => [id, resolve(upstream)]),
  );
  const maxBodyBytes = options.maxBodyBytes ?? 32 * 1024 * 1024;
  const { metrics } = options;
  const guards = new Map<ProviderAdapter, TenantGuard>();
  const upstreamOf = (adapter: ProviderAdapter) =>
    upstreams.has(adapter.id)
      ? upstreams.get(adapter.id)
      : adapter.id === 'openai'
        ? openai
        : undefined;
  return {
    options,
    upstreamOf,
    // undici's request API, not fetch: a fraction of fetch's cost per call, and a Node stream
    // body that is written to the caller's socket without web-stream conversions.
    dispatcher: options.dispatcher ?? getGlobalDispatcher(),
    metrics,
    logger: options.logger ?? { warn: (message: string) => console.warn(message) },
    generateId: options.generateId ?? (() => crypto.randomUUID()),
    now: options.now ?? (() => new Date()),
    abortGraceMs: options.abortGraceMs ?? defaultAbortGraceMs,
    maxBodyBytes,
    tenantsOf(adapter) {
      let guard = guards.get(adapter);
      if (!guard) {
        guard = createTenantGuard({ adapter, isolated: upstreamOf(adapter)?.apiKey !== undefined });
        guards.set(adapter, guard);
      }
      return guard;
    },
    count(route, status) {
      metrics.requests.inc({ route, status: String(status) });
    },
    upstreamUrl({ c, adapter, upstream }) {
      const url = new URL(c.req.url);
      const scoped = upstream.apiKey === undefined ? undefined : adapter.auth.scopedQuery;
      if (scoped) for (const name of scoped) url.searchParams.delete(name);
      return `${upstream.base}${url.pathname.slice(adapter.upstreamPathPrefix.length)}${url.search}`;
    },
    async readBody(c) {
      const read = await readRequestBody({ incoming: c.env.incoming, maxBytes: maxBodyBytes });
      if (read.success) return read;
      return {
        success: false,
        error: {
          status: 413,
          message: `The request body is larger than the proxy accepts (${maxBodyBytes} bytes).`,
          kind: 'invalid_request',
          code: 'request_too_large',
        },
      };
    },
    unconfigured(adapter) {
      return {
        status: 502,
        message: `The metering proxy has no upstream for ${adapter.id}: set ${adapter.upstreamSetting}.`,
        kind: 'upstream',
        code: 'upstream_not_configured',
      };
    },
    unreachable(error, upstream) {
      const reason =
        error instanceof Error
          ? ((error.cause as Error | undefined)?.message ?? error.message)
          : String(error);
      return {
        status: 502,
        message: `The metering proxy could not reach the upstream API (${upstream.base}): ${reason}`,
        kind: 'upstream',
        code: 'upstream_unreachable',
      };
    },
  };
}
