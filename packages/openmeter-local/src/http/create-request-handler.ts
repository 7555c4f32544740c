import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OpenMeterLocalLogger } from '../create-logger.js';
import type { OpenMeterStore } from '../storage/open-meter-store.js';
import { createAuthorizationCheck } from './check-authorization.js';
import { handleIngestEvents, handleListEvents } from './handle-events.js';
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

interface Route {
  pattern: RegExp;
  names: string[];
  methods: Record<string, RouteHandler>;
}

const SEGMENT = '([^/]+)';
const ROUTES: Route[] = [
  {
    pattern: /^\/api\/v1\/events$/,
    names: [],
    methods: { GET: handleListEvents, POST: handleIngestEvents },
  },
  {
    pattern: /^\/api\/v1\/meters$/,
    names: [],
    methods: { GET: handleListMeters, POST: handleCreateMeter },
  },
  {
    pattern: new RegExp(`^/api/v1/meters/${SEGMENT}$`),
    names: ['meterIdOrSlug'],
    methods: { GET: handleGetMeter, DELETE: handleDeleteMeter },
  },
  {
    pattern: new RegExp(`^/api/v1/meters/${SEGMENT}/query$`),
    names: ['meterIdOrSlug'],
    methods: { GET: handleQueryMeter, POST: handleQueryMeter },
  },
  {
    pattern: new RegExp(`^/api/v1/meters/${SEGMENT}/subjects$`),
    names: ['meterIdOrSlug'],
    methods: { GET: handleListMeterSubjects },
  },
  {
    pattern: new RegExp(`^/api/v1/meters/${SEGMENT}/group-by/${SEGMENT}/values$`),
    names: ['meterIdOrSlug', 'groupByKey'],
    methods: { GET: handleListGroupByValues },
  },
];

/**
 * Options of `createRequestHandler`.
 * @see https://nodejs.org/api/http.html#httpcreateserveroptions-requestlistener
 */
export interface RequestHandlerOptions {
  store: OpenMeterStore;
  logger: OpenMeterLocalLogger;
  apiKey?: string | undefined;
  maxBodyBytes: number;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpProblem(400, `Path segment ${segment} is not valid percent-encoding`);
  }
}

/**
 * Creates the node:http request listener of openmeter-local: optional bearer-key check, routing
 * to the OpenMeter API subset, RFC 7807 problems for every failure (404 unknown route, 405 wrong
 * method with `Allow`), and one debug log line per request.
 * @see https://www.rfc-editor.org/rfc/rfc7807
 */
export function createRequestHandler({
  store,
  logger,
  apiKey,
  maxBodyBytes,
}: RequestHandlerOptions) {
  const isAuthorized = apiKey ? createAuthorizationCheck(apiKey) : undefined;
  let requestCount = 0;

  const route = async (request: IncomingMessage): Promise<Reply> => {
    const url = new URL(request.url ?? '/', 'http://openmeter-local');
    if (isAuthorized && !isAuthorized(request.headers.authorization)) {
      throw new HttpProblem(
        401,
        'Missing or wrong API key: send Authorization: Bearer <key> with the key the server was started with.',
        {
          headers: { 'www-authenticate': 'Bearer' },
        },
      );
    }
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    for (const candidate of ROUTES) {
      const match = candidate.pattern.exec(path);
      if (!match) continue;
      const method = request.method === 'HEAD' ? 'GET' : (request.method ?? 'GET');
      const handler = candidate.methods[method];
      if (!handler) {
        const allow = Object.keys(candidate.methods).join(', ');
        throw new HttpProblem(405, `${request.method} is not allowed on ${path}: use ${allow}.`, {
          headers: { allow },
        });
      }
      const parameters = Object.fromEntries(
        candidate.names.map((name, index) => [name, decodeSegment(match[index + 1] as string)]),
      );
      return handler({ request, url, store, maxBodyBytes, parameters });
    }
    throw new HttpProblem(
      404,
      `No route ${path}: openmeter-local serves /api/v1/events and /api/v1/meters/...`,
    );
  };

  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const started = performance.now();
    requestCount++;
    const instance = `urn:request:openmeter-local/${requestCount}`;
    let reply: Reply;
    try {
      reply = await route(request);
    } catch (error) {
      if (!(error instanceof HttpProblem)) {
        logger.error('request failed', {
          method: request.method,
          path: request.url?.split('?')[0],
          error: String(error),
        });
      }
      const problem =
        error instanceof HttpProblem
          ? error
          : new HttpProblem(500, 'Internal error in openmeter-local; see its log.', {
              cause: error,
            });
      reply = {
        status: problem.status,
        contentType: 'application/problem+json',
        body: JSON.stringify(
          createProblem({
            status: problem.status,
            detail: problem.detail,
            instance,
            extensions: problem.extensions,
          }),
        ),
        headers: problem.headers,
      };
      // The body of a refused request may still be streaming in; do not keep reading it.
      if (!request.complete) reply.headers = { ...reply.headers, connection: 'close' };
    }
    const payload =
      reply.body === undefined
        ? undefined
        : reply.contentType
          ? String(reply.body)
          : JSON.stringify(reply.body);
    response.writeHead(reply.status, {
      ...(payload === undefined
        ? {}
        : {
            'content-type': reply.contentType ?? 'application/json',
            'content-length': Buffer.byteLength(payload),
          }),
      ...reply.headers,
    });
    response.end(request.method === 'HEAD' ? undefined : payload);
    logger.debug(`${request.method} ${request.url?.split('?')[0]} ${reply.status}`, {
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    });
  };
}
