import type { UsageEvent } from '@llm-meter/meter-core';
import type { AccessLog, AccessLogEntry } from './access-log-entry.js';

/** One request's access log line, filled in as the request goes and written at its end. */
export interface RequestLog {
  /** Adds what became known (subject, model, stream, request id). */
  set(fields: Partial<Pick<AccessLogEntry, 'subject' | 'model' | 'stream' | 'request_id'>>): void;
  /** Marks the first event written to the caller (once). */
  firstByte(): void;
  /** Writes the line (once): the status answered, the usage event if one was metered. */
  end(input: {
    status: number;
    event?: UsageEvent | undefined;
    errorCode?: string | null | undefined;
    callerLeft?: boolean | undefined;
  }): void;
}

const noLog: RequestLog = {
  set: () => undefined,
  firstByte: () => undefined,
  end: () => undefined,
};

const milliseconds = (value: number) => Math.round(value * 100) / 100;

/**
 * Starts one request's access log line. Durations are measured with `performance.now()`; `now`
 * dates the request's arrival. Without an access log it costs nothing. A log that fails to
 * write goes to `onError` and never fails the request.
 */
export function createRequestLog({
  accessLog,
  now,
  provider,
  method,
  path,
  route,
  onError,
}: {
  accessLog: AccessLog | undefined;
  now: () => Date;
  provider: string;
  method: string;
  path: string;
  route: string;
  onError: (error: unknown) => void;
}): RequestLog {
  if (!accessLog) return noLog;
  const started = performance.now();
  const time = now().toISOString();
  const fields: Partial<AccessLogEntry> = {};
  let ttfb: number | undefined;
  let ended = false;
  return {
    set(more) {
      Object.assign(fields, more);
    },
    firstByte() {
      ttfb ??= performance.now() - started;
    },
    end({ status, event, errorCode, callerLeft }) {
      if (ended) return;
      ended = true;
      const data = event?.data;
      // Unknown fields are left out, in the object as in its JSON line (and in this order).
      const entry = { time } as AccessLogEntry;
      put(entry, 'subject', fields.subject);
      put(entry, 'provider', data?.provider ?? provider);
      put(entry, 'model', data?.model ?? fields.model);
      put(entry, 'method', method);
      put(entry, 'path', path);
      put(entry, 'route', route);
      put(entry, 'stream', fields.stream);
      put(entry, 'status', status);
      put(entry, 'error_code', errorCode ?? undefined);
      put(entry, 'prompt_tokens', data?.prompt_tokens);
      put(entry, 'completion_tokens', data?.completion_tokens);
      put(entry, 'total_tokens', data?.total_tokens);
      put(entry, 'usage_source', data?.usage_source);
      put(entry, 'estimate_reason', data?.estimate_reason);
      put(entry, 'event_id', event?.id);
      put(entry, 'request_id', fields.request_id);
      put(entry, 'caller_left', callerLeft ? true : undefined);
      put(entry, 'latency_ms', milliseconds(performance.now() - started));
      put(entry, 'ttfb_ms', ttfb === undefined ? undefined : milliseconds(ttfb));
      try {
        accessLog.write(entry);
      } catch (error) {
        onError(error);
      }
    },
  };
}

function put<Key extends keyof AccessLogEntry>(
  entry: AccessLogEntry,
  key: Key,
  value: AccessLogEntry[Key] | undefined,
): void {
  if (value !== undefined) entry[key] = value;
}
