import type { IncomingMessage } from 'node:http';
import type { OpenMeterStore } from '../storage/open-meter-store.js';

/**
 * What a route handler answers; written to the socket by the request handler.
 * @see https://nodejs.org/api/http.html#class-serverresponse
 */
export interface Reply {
  status: number;
  /** Serialized as JSON unless `contentType` says otherwise (then sent as is). */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

/**
 * Everything a route handler may use.
 * @see https://nodejs.org/api/http.html#class-serverresponse
 */
export interface RouteContext {
  request: IncomingMessage;
  url: URL;
  store: OpenMeterStore;
  maxBodyBytes: number;
  /** Path parameters captured by the route. */
  parameters: Record<string, string>;
}

/**
 * A route handler. @see https://openmeter.io/docs/api/cloud
 * @see https://nodejs.org/api/http.html#class-serverresponse
 */
export type RouteHandler = (context: RouteContext) => Promise<Reply> | Reply;
