import type { UsageSource } from '@llm-meter/meter-core';

/**
 * One line of the access log: one proxied request, written once it has ended. Fields that are
 * unknown are left out, never zero (a refused request has no tokens). Never an API key, a
 * header, a query string or a body.
 */
export interface AccessLogEntry {
  /** When the request arrived (the proxy's clock), RFC 3339. */
  time: string;
  /** Who it was billed to (or, for a pass-through, the subject its key or header names). */
  subject?: string | undefined;
  /** The provider whose route served it (`openai`), or the usage event's `provider`. */
  provider: string;
  /** The served model (the usage event's), else the model the request named. */
  model?: string | undefined;
  method: string;
  /** The request path, without its query string (which may carry a key). */
  path: string;
  /** The metered route (`chat`, `responses`, `embeddings`) or `passthrough`. */
  route: string;
  stream?: boolean | undefined;
  /** The status answered to the caller. */
  status: number;
  /** The code of an error the proxy answered itself (`missing_subject`, `insufficient_quota`, ...). */
  error_code?: string | undefined;
  prompt_tokens?: number | undefined;
  completion_tokens?: number | undefined;
  total_tokens?: number | undefined;
  /** `provider` (the provider's own usage) or `estimated`. */
  usage_source?: UsageSource | undefined;
  /** Why it is an estimate (`aborted`, `error`, `no_usage`, ...). */
  estimate_reason?: string | undefined;
  /** The usage event's id: the one to look up in OpenMeter. */
  event_id?: string | undefined;
  /** Upstream's request id (`x-request-id`). */
  request_id?: string | undefined;
  /** The caller closed the connection before the answer ended. */
  caller_left?: true | undefined;
  /** From the request's arrival to its end (the last byte relayed, and the usage metered), ms. */
  latency_ms: number;
  /** Streams: from the request's arrival to the first event written to the caller, ms. */
  ttfb_ms?: number | undefined;
}

/** Where the proxy writes its access log (see `createAccessLog`). */
export interface AccessLog {
  write(entry: AccessLogEntry): void;
}
