import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import { type BudgetGate, createBudgetGate } from '@llm-meter/budget-gate';
import { openMeterMeters } from '@llm-meter/meter-core';
import { createUsageOutbox, type UsageOutbox } from '@llm-meter/meter-outbox';
import { createUsageSettler, type UsageSettler } from '@llm-meter/metering';
import {
  type BilledRequest,
  type OpenAILocalOptions,
  type OpenAILocalServer,
  startOpenAILocal,
  usageLedgerFileName,
} from '@llm-meter/openai-local';
import { createOpenMeterClient, type OpenMeterClient } from '@llm-meter/openmeter-client';
import { type OpenMeterLocal, startOpenMeterLocal } from '@llm-meter/openmeter-local';
import OpenAI from 'openai';
import { createOutboxUsageSink } from '../create-outbox-usage-sink.js';
import { createProxyApp } from '../create-proxy-app.js';
import { createProxyMetrics, type ProxyMetrics } from '../create-proxy-metrics.js';
import type { ProxyOptions } from '../proxy-types.js';

/** The admin key of the stack's openai-local (its organization usage API). */
export const openaiLocalAdminKey = 'sk-admin-proxy-stack';

/**
 * openai-local, openmeter-local, an outbox, a usage settler and the proxy in front, all on
 * 127.0.0.1.
 */
export interface ProxyStack {
  proxyUrl: string;
  /** The proxy's origin (no `/v1`): the base URL of `@anthropic-ai/sdk` and `@google/genai`. */
  proxyOrigin: string;
  /** What openai-local billed so far (its usage ledger), every provider's. */
  ledger(): Promise<BilledRequest[]>;
  openai: OpenAILocalServer;
  /** Every request openai-local answered, as `METHOD /path STATUS`. */
  upstreamRequests: string[];
  settler: UsageSettler;
  gate: BudgetGate | undefined;
  openmeter: OpenMeterLocal;
  client: OpenMeterClient;
  outbox: UsageOutbox;
  metrics: ProxyMetrics;
  warnings: string[];
  /** Sums a meter for one subject after delivering everything journaled. */
  meterTotal(input: { meter: string; subject: string }): Promise<number>;
  /** An `openai` SDK client on the proxy, naming `subject` in the subject header. */
  sdk(subject: string, headers?: Record<string, string>): OpenAI;
  /** The subject's events in openmeter-local, after delivering everything journaled. */
  listEvents(subject: string): Promise<Array<{ id: string; data: Record<string, unknown> }>>;
  close(): Promise<void>;
}

/**
 * Starts the whole stack; `overrides` changes the proxy's options, `budgetFeature` puts a budget
 * gate on that feature (over the stack's openmeter-local) in front of upstream.
 */
export async function startProxyStack({
  budgetFeature,
  outboxOptions,
  upstreamFaults,
  upstreamKeys,
  ...overrides
}: Partial<Omit<ProxyOptions, 'usage' | 'metrics' | 'budget'>> & {
  budgetFeature?: string | undefined;
  /** openai-local's faults (e.g. a stall the test releases). */
  upstreamFaults?: OpenAILocalOptions['faults'];
  /** The proxy's own keys for Anthropic and Gemini (their callers then share them). */
  upstreamKeys?: { anthropic?: string; google?: string } | undefined;
  /** The outbox's backlog bound, and OpenMeter unreachable for it (nothing is delivered). */
  outboxOptions?: { maxPending?: number; openmeterDown?: boolean } | undefined;
} = {}): Promise<ProxyStack> {
  const dir = await mkdtemp(join(tmpdir(), 'proxy-stack-'));
  const upstreamRequests: string[] = [];
  const openai = await startOpenAILocal({
    tokensPerSecond: 0,
    dataDir: join(dir, 'openai-local'),
    adminKey: openaiLocalAdminKey,
    faults: upstreamFaults,
    logger: {
      info: (message, fields) => {
        if (fields?.event === 'request') upstreamRequests.push(message);
      },
      warn: () => undefined,
    },
  });
  const openmeter = await startOpenMeterLocal({ meters: [...openMeterMeters] });
  const client = createOpenMeterClient({ baseUrl: openmeter.url });
  const outbox = await createUsageOutbox({
    client: outboxOptions?.openmeterDown
      ? createOpenMeterClient({ baseUrl: 'http://127.0.0.1:1' })
      : client,
    dir: join(dir, 'outbox'),
    logger: false,
    flushIntervalMs: 20,
    maxPending: outboxOptions?.maxPending,
  });
  const metrics = createProxyMetrics({ outbox });
  const warnings: string[] = [];
  const settler = createUsageSettler({
    client: new OpenAI({ apiKey: 'sk-proxy-stack', baseURL: openai.url, maxRetries: 0 }),
    outbox,
    dir: join(dir, 'outbox'),
    // openai-local bills an aborted stream once it notices the closed connection: retry soon.
    retryDelaysMs: [0, 100, 500, 2_000, 10_000],
  });
  const gate = budgetFeature
    ? createBudgetGate({ client, feature: budgetFeature, valueTtlMs: 1 })
    : undefined;
  const app = createProxyApp({
    upstreamBaseUrl: openai.url,
    // openai-local answers Anthropic's and Gemini's APIs below its origin.
    upstreams: {
      anthropic: { baseUrl: openai.origin, apiKey: upstreamKeys?.anthropic },
      google: { baseUrl: openai.origin, apiKey: upstreamKeys?.google },
    },
    subjects: { header: 'openmeter-subject', keySubjects: new Map(), trustRequestUser: false },
    usage: createOutboxUsageSink({
      outbox,
      settler,
      metrics,
      onJournalError: (error) => warnings.push(String(error)),
    }),
    metrics,
    logger: { warn: (message) => warnings.push(message) },
    budget: gate && budgetFeature ? { gate, feature: budgetFeature } : undefined,
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
    proxyOrigin: `http://127.0.0.1:${port}`,
    async ledger() {
      const text = await readFile(join(dir, 'openai-local', usageLedgerFileName), 'utf8').catch(
        () => '',
      );
      return text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as BilledRequest);
    },
    openai,
    upstreamRequests,
    settler,
    gate,
    openmeter,
    client,
    outbox,
    metrics,
    warnings,
    sdk: (subject, headers = {}) =>
      new OpenAI({
        baseURL: `http://127.0.0.1:${port}/v1`,
        apiKey: 'sk-caller',
        maxRetries: 0,
        defaultHeaders: { 'OpenMeter-Subject': subject, ...headers },
      }),
    async listEvents(subject) {
      await outbox.flush();
      return (await client.events.list({ subject })).map(
        (ingested) => ingested.event as unknown as { id: string; data: Record<string, unknown> },
      );
    },
    async meterTotal({ meter, subject }) {
      await outbox.flush();
      const result = await client.meters.query(meter, { subject: [subject] });
      return result.data.reduce((sum, row) => sum + row.value, 0);
    },
    async close() {
      await new Promise((resolve) => server.close(resolve));
      settler.close();
      await gate?.close();
      await outbox.close({ deadlineMs: outboxOptions?.openmeterDown ? 0 : 5_000 });
      await openmeter.close();
      await openai.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
