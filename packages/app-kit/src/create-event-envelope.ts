import { randomUUID } from 'node:crypto';
import type { UsageEventEnvelopeOptions } from '@llm-meter/meter-core';
import type { AppConfig } from './load-app-config.js';

/**
 * The envelope of one request's usage event: subject, the configured source and type, a
 * `feature` dimension, and a fresh event id when the server's own ids cannot be trusted
 * (`LLM_METER_EVENT_IDS=generated`).
 */
export function createEventEnvelope({
  config,
  subject,
  feature,
}: {
  config: AppConfig;
  subject: string;
  feature: string;
}): UsageEventEnvelopeOptions {
  return {
    subject,
    source: config.eventSource,
    type: config.eventType,
    dimensions: { feature },
    ...(config.eventIds === 'generated' ? { id: randomUUID() } : {}),
  };
}
