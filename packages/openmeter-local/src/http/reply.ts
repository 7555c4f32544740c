import type { QueryRunner } from '../query/create-query-runner.js';
import type { OpenMeterStore } from '../storage/open-meter-store.js';
import type { RequestLimits } from './request-limits.js';

/**
 * What a route handler answers; turned into a `Response` by the app.
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
 */
export interface RouteContext {
  /** The request; its body is already bounded by the body-limit middleware. */
  request: Request;
  url: URL;
  store: OpenMeterStore;
  /** Runs meter queries off the ingest path. */
  queries: QueryRunner;
  limits: RequestLimits;
  /** The server's clock: ingestion times, default query ranges, creation and reset times. */
  now: () => Date;
  /** Path parameters captured by the route, percent-decoded. */
  parameters: Record<string, string>;
}

/**
 * A route handler.
 */
export type RouteHandler = (context: RouteContext) => Promise<Reply> | Reply;
