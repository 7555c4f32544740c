/** One pass-through route the proxy forwards: a method (or `*`) and a path, or a path prefix. */
export interface AllowedRoute {
  /** Upper-case HTTP method, or `*` for any. */
  method: string;
  /** A path under `/v1`, without a trailing `/*`. */
  path: string;
  /** The entry ended in `/*`: the path and everything below it. */
  prefix: boolean;
}

/**
 * What the proxy passes through when it uses its own upstream key and
 * `LLM_METER_PROXY_ALLOWED_PATHS` is unset: the model list and moderations (free, no stored
 * objects). Anything else would spend the server key unmetered or reach objects that every
 * customer shares.
 */
export const defaultServerKeyRoutes = 'GET /v1/models, GET /v1/models/*, POST /v1/moderations';

/**
 * The pass-through routes in force: the configured ones, else `defaultServerKeyRoutes` with the
 * server's key, else none set (every path passes: upstream isolates callers' own keys).
 */
export function resolveAllowedRoutes({
  isolated,
  allowedRoutes,
}: {
  isolated: boolean;
  allowedRoutes: readonly AllowedRoute[] | undefined;
}): readonly AllowedRoute[] | undefined {
  return allowedRoutes ?? (isolated ? parseAllowedRoutes(defaultServerKeyRoutes) : undefined);
}

/**
 * Parses allowed routes, comma- or line-separated: `GET /v1/models`, `POST /v1/moderations`,
 * `/v1/files/*` (any method; `/*` also allows everything below the path). Throws a TypeError
 * naming the entry that cannot be read.
 */
export function parseAllowedRoutes(text: string): AllowedRoute[] {
  const routes: AllowedRoute[] = [];
  for (const entry of text.split(/[,\n]/)) {
    const trimmed = entry.trim();
    if (trimmed === '') continue;
    const match = /^(?:([A-Za-z]+|\*)\s+)?(\/\S*)$/.exec(trimmed);
    const path = match?.[2];
    if (!match || path === undefined || !/^\/v1(\/|$)/.test(path) || /\/\.\.?(\/|$)/.test(path)) {
      throw new TypeError(
        `cannot read the route ${JSON.stringify(trimmed)}: write [METHOD] /v1/path, e.g. "GET /v1/models" or "/v1/files/*"`,
      );
    }
    const prefix = path.endsWith('/*');
    routes.push({
      method: (match[1] ?? '*').toUpperCase(),
      path: prefix ? path.slice(0, -2) : path.replace(/\/+$/, ''),
      prefix,
    });
  }
  return routes;
}

/** Whether `method path` is one of `routes` (HEAD counts as GET). */
export function isAllowedRoute({
  routes,
  method,
  path,
}: {
  routes: readonly AllowedRoute[];
  method: string;
  path: string;
}): boolean {
  const wanted = method === 'HEAD' ? 'GET' : method;
  const normalized = path.replace(/\/+$/, '');
  return routes.some(
    (route) =>
      (route.method === '*' || route.method === wanted) &&
      (normalized === route.path || (route.prefix && normalized.startsWith(`${route.path}/`))),
  );
}

/** The routes as a setting would spell them, for messages. */
export function formatAllowedRoutes(routes: readonly AllowedRoute[]): string {
  if (routes.length === 0) return 'none';
  return routes
    .map(
      (route) =>
        `${route.method === '*' ? '' : `${route.method} `}${route.path}${route.prefix ? '/*' : ''}`,
    )
    .join(', ');
}
