import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** What `/metrics` reports about the outbox, read when scraped. */
export interface OutboxGaugeSource {
  stats(): { pending: number; deadLettered: number };
}

/** The proxy's Prometheus metrics, in their own registry. */
export interface ProxyMetrics {
  registry: Registry;
  requests: Counter<'route' | 'status'>;
  tokens: Counter<'type'>;
  events: Counter<'usage_source' | 'reason'>;
  meteringFailures: Counter<'stage'>;
  upstreamLatency: Histogram<'route'>;
}

/**
 * Creates the proxy's metrics: requests by route and status, tokens by type, usage events by
 * source and estimate reason, metering failures, upstream latency (time to response headers),
 * and the outbox's pending events and dead letters read at scrape time.
 */
export function createProxyMetrics({
  outbox,
}: {
  outbox?: OutboxGaugeSource | undefined;
}): ProxyMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'llm_meter_proxy_' });
  const requests = new Counter({
    name: 'llm_meter_proxy_requests_total',
    help: 'Requests answered, by route and HTTP status.',
    labelNames: ['route', 'status'] as const,
    registers: [registry],
  });
  const tokens = new Counter({
    name: 'llm_meter_proxy_tokens_total',
    help: 'Tokens metered, by type: input, cache_read, cache_write, output (these four sum to the total), and reasoning (part of output).',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  const events = new Counter({
    name: 'llm_meter_proxy_usage_events_total',
    help: 'Usage events metered, by usage_source (provider, estimated) and estimate reason.',
    labelNames: ['usage_source', 'reason'] as const,
    registers: [registry],
  });
  const meteringFailures = new Counter({
    name: 'llm_meter_proxy_metering_failures_total',
    help: 'Usage events that could not be metered or journaled (the response still went through).',
    labelNames: ['stage'] as const,
    registers: [registry],
  });
  const upstreamLatency = new Histogram({
    name: 'llm_meter_proxy_upstream_latency_seconds',
    help: 'Time from sending a request upstream to its response headers.',
    labelNames: ['route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  if (outbox) {
    new Gauge({
      name: 'llm_meter_proxy_outbox_pending',
      help: 'Usage events journaled and not yet delivered to OpenMeter.',
      registers: [registry],
      collect() {
        this.set(outbox.stats().pending);
      },
    });
    new Gauge({
      name: 'llm_meter_proxy_outbox_dead_letters',
      help: 'Usage events OpenMeter refused as invalid, kept in the dead-letter file.',
      registers: [registry],
      collect() {
        this.set(outbox.stats().deadLettered);
      },
    });
  }
  return { registry, requests, tokens, events, meteringFailures, upstreamLatency };
}
