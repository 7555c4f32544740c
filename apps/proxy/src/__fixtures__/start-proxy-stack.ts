import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import { openMeterMeters } from '@llm-meter/meter-core';
import { createUsageOutbox, type UsageOutbox } from '@llm-meter/meter-outbox';
import { type OpenAILocalServer, startOpenAILocal } from '@llm-meter/openai-local';
import { createOpenMeterClient, type OpenMeterClient } from '@llm-meter/openmeter-client';
import { type OpenMeterLocal, startOpenMeterLocal } from '@llm-meter/openmeter-local';
import { createOutboxUsageSink } from '../create-outbox-usage-sink.js';
import { createProxyApp } from '../create-proxy-app.js';
import { createProxyMetrics, type ProxyMetrics } from '../create-proxy-metrics.js';
import type { ProxyOptions } from '../proxy-types.js';

/** openai-local, openmeter-local, an outbox and the proxy in front, all on 127.0.0.1. */
export interface ProxyStack {
  proxyUrl: string;
  openai: OpenAILocalServer;
  openmeter: OpenMeterLocal;
  client: OpenMeterClient;
  outbox: UsageOutbox;
  metrics: ProxyMetrics;
  warnings: string[];
  /** Sums a meter for one subject after delivering everything journaled. */
  meterTotal(input: { meter: string; subject: string }): Promise<number>;
  close(): Promise<void>;
}

/** Starts the whole stack; `overrides` changes the proxy's options. */
export async function startProxyStack(
  overrides: Partial<Omit<ProxyOptions, 'usage' | 'metrics'>> = {},
): Promise<ProxyStack> {
  const dir = await mkdtemp(join(tmpdir(), 'proxy-stack-'));
  const openai = await startOpenAILocal({ tokensPerSecond: 0 });
  const openmeter = await startOpenMeterLocal({ meters: [...openMeterMeters] });
  const client = createOpenMeterClient({ baseUrl: openmeter.url });
  const outbox = await createUsageOutbox({
    client,
    dir: join(dir, 'outbox'),
    logger: false,
    flushIntervalMs: 20,
  });
  const metrics = createProxyMetrics({ outbox });
  const warnings: string[] = [];
  const app = createProxyApp({
    upstreamBaseUrl: openai.url,
    subjects: { header: 'openmeter-subject', keySubjects: new Map(), trustRequestUser: false },
    usage: createOutboxUsageSink({
      outbox,
      onJournalError: (error) => warnings.push(String(error)),
    }),
    metrics,
    logger: { warn: (message) => warnings.push(message) },
    ...overrides,
  });
  const server: ServerType = await new Promise((resolve) => {
    const started = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () =>
      resolve(started),
    );
  });
  const { port } = server.address() as AddressInfo;
  return {
    proxyUrl: `http://127.0.0.1:${port}/v1`,
    openai,
    openmeter,
    client,
    outbox,
    metrics,
    warnings,
    async meterTotal({ meter, subject }) {
      await outbox.flush();
      const result = await client.meters.query(meter, { subject: [subject] });
      return result.data.reduce((sum, row) => sum + row.value, 0);
    },
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await outbox.close();
      await openmeter.close();
      await openai.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
