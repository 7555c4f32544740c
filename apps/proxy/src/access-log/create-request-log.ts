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
      const entry: AccessLogEntry = {
        time,
        subject: fields.subject,
        provider: data?.provider ?? provider,
        model: data?.model ?? fields.model,
        method,
        path,
        route,
        stream: fields.stream,
        status,
        error_code: errorCode ?? undefined,
        prompt_tokens: data?.prompt_tokens,
        completion_tokens: data?.completion_tokens,
        total_tokens: data?.total_tokens,
        usage_source: data?.usage_source,
        estimate_reason: data?.estimate_reason,
        event_id: event?.id,
        request_id: fields.request_id,
        caller_left: callerLeft ? true : undefined,
        latency_ms: milliseconds(performance.now() - started),
        ttfb_ms: ttfb === undefined ? undefined : milliseconds(ttfb),
      };
      // Unknown fields are left out, in the object as in its JSON line.
      for (const key of Object.keys(entry) as Array<keyof AccessLogEntry>)
        if (entry[key] === undefined) delete entry[key];
      try {
        accessLog.write(entry);
      } catch (error) {
        onError(error);
      }
    },
  };
}
