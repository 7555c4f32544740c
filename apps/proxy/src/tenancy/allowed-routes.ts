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
 * `LLM_METER_PROXY_ALLOWED_PATHS` is unset: model lists, OpenAI's moderations, Anthropic's and
 * Gemini's token counts (free, no stored objects). Anything else would spend the server key
 * unmetered or reach objects that every customer shares.
 */
export const defaultServerKeyRoutes =
  'GET /v1/models, GET /v1/models/*, POST /v1/moderations, POST /v1/messages/count_tokens, GET /v1beta/models, GET /v1beta/models/*, POST /v1beta/models/*:countTokens, POST /v1/models/*:countTokens';

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
 * `/v1/files/*` (any method; `/*` also allows everything below the path), `POST
 * /v1beta/models/*:countTokens` (a `*` inside a segment stands for any text without `/`).
 * Throws a TypeError naming the entry that cannot be read.
 */
export function parseAllowedRoutes(text: string): AllowedRoute[] {
  const routes: AllowedRoute[] = [];
  for (const entry of text.split(/[,\n]/)) {
    const trimmed = entry.trim();
    if (trimmed === '') continue;
    const match = /^(?:([A-Za-z]+|\*)\s+)?(\/\S*)$/.exec(trimmed);
    const path = match?.[2];
    if (
      !match ||
      path === undefined ||
      !/^\/v1(beta)?(\/|$)/.test(path) ||
      /\/\.\.?(\/|$)/.test(path)
    ) {
      throw new TypeError(
        `cannot read the route ${JSON.stringify(trimmed)}: write [METHOD] /v1/path (or /v1beta/path), e.g. "GET /v1/models" or "/v1/files/*"`,
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
      (route.method === '*' || route.method === wanted) && routePattern(route).test(normalized),
  );
}

/** A route as a regular expression: `*` inside a segment is any text without `/`. */
function routePattern(route: AllowedRoute): RegExp {
  const path = route.path
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]*');
  return new RegExp(`^${path}${route.prefix ? '(?:/.*)?' : ''}$`);
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
