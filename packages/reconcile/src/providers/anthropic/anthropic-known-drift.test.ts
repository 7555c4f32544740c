import { usageEventMeters } from '@llm-meter/meter-core';
import { type AnthropicStreamEventLike, AnthropicStreamMeter } from '@llm-meter/meter-core/push';
import { startOpenAILocal } from '@llm-meter/openai-local';
import { createOpenMeterClient, type MeterCreate } from '@llm-meter/openmeter-client';
import { startOpenMeterLocal } from '@llm-meter/openmeter-local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReconcileVerdict } from '../../format-reconcile-verdict.js';
import { reconcileUsage } from '../../reconcile-usage.js';
import { createAnthropicUsageReport } from './create-anthropic-usage-report.js';

// Streams answered in full by openai-local (so its ledger bills every token), metered as if the
// caller had left early: estimates no Anthropic API can settle. Real servers on 127.0.0.1, a
// fixed clock.
const day = '2026-12-05';
const adminKey = 'sk-ant-admin01-known-drift-test';
const now = () => new Date(`${day}T10:00:00.000Z`);
let openaiLocal: Awaited<ReturnType<typeof startOpenAILocal>>;
let openmeterLocal: Awaited<ReturnType<typeof startOpenMeterLocal>>;

/** Streams one message from openai-local and returns its events, as Anthropic's SSE sends them. */
async function streamMessage(request: Record<string, unknown>) {
  const response = await fetch(`${openaiLocal.origin}/v1/messages`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-api-key': 'sk-ant-test',
      'anthropic-version': '2023-06-01',
    },
    body: JSON.stringify({ ...request, stream: true }),
  });
  expect(response.status).toBe(200);
  return (await response.text())
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice('data: '.length)) as AnthropicStreamEventLike);
}

/** The event of a stream whose caller read only `events`: an `aborted` estimate. */
function meterAborted({
  request,
  events,
}: {
  request: {
    model: string;
    max_tokens: number;
    messages: Array<{ role: 'user'; content: string }>;
  };
  events: readonly AnthropicStreamEventLike[];
}) {
  const meter = new AnthropicStreamMeter({
    request,
    options: { subject: 'customer-acme', now, fallbackId: 'unused' },
  });
  for (const event of events) meter.push(event);
  return meter.finish({ reason: 'aborted' });
}

beforeAll(async () => {
  openaiLocal = await startOpenAILocal({ adminKey, now, tokensPerSecond: 0 });
  openmeterLocal = await startOpenMeterLocal({
    meters: usageEventMeters.map((meter) => ({ ...meter })) as MeterCreate[],
  });
});

afterAll(async () => {
  await openaiLocal?.close();
  await openmeterLocal?.close();
});

describe("reconcileUsage with Anthropic's reports: estimates Anthropic cannot settle", () => {
  it('a difference within the estimate is known drift (~); a larger one stays drift (!)', async () => {
    const openmeter = createOpenMeterClient({ baseUrl: openmeterLocal.url, retry: false });
    // Every text chunk read, the final usage lost: the estimate is close to what was billed.
    const close = {
      model: 'claude-sonnet-4-5',
      max_tokens: 400,
      messages: [{ role: 'user' as const, content: 'Tell a short story about a lighthouse.' }],
    };
    const closeEvents = await streamMessage(close);
    const closeEstimate = meterAborted({
      request: close,
      events: closeEvents.filter(
        (event) => event.type !== 'message_delta' && event.type !== 'message_stop',
      ),
    });
    // Two text chunks read out of many: far below what was billed, beyond what estimates explain.
    const cut = {
      model: 'claude-haiku-4-5',
      max_tokens: 400,
      messages: [{ role: 'user' as const, content: 'Describe a usage meter, step by step.' }],
    };
    const cutEvents = await streamMessage(cut);
    const firstDeltas = cutEvents.findIndex((event) => event.type === 'content_block_delta');
    const cutEstimate = meterAborted({ request: cut, events: cutEvents.slice(0, firstDeltas + 2) });
    for (const event of [closeEstimate, cutEstimate]) {
      expect(event.data).toMatchObject({ usage_source: 'estimated', estimate_reason: 'aborted' });
      await openmeter.events.ingest(event);
    }

    const report = await reconcileUsage({
      openmeter,
      usageReport: createAnthropicUsageReport({ adminKey, baseUrl: openaiLocal.origin }),
      from: day,
      to: day,
      threshold: 0,
    });
    const output = (model: string) =>
      report.rows.find((row) => row.metric === 'output' && row.model.startsWith(model));
    const closeRow = output('claude-sonnet-4-5');
    const cutRow = output('claude-haiku-4-5');
    // The input side is message_start's, exact: no difference, whatever the estimate.
    for (const row of report.rows.filter((row) => row.metric === 'input')) {
      expect(row.difference).toBe(0);
    }
    expect(closeRow?.difference).not.toBe(0);
    expect(Math.abs(closeRow?.difference ?? Number.NaN)).toBeLessThanOrEqual(
      closeRow?.estimated ?? 0,
    );
    expect(closeRow?.knownDrift).toBe(true);
    expect(cutRow?.estimated).toBe(cutEstimate.data.completion_tokens);
    expect(Math.abs(cutRow?.difference ?? 0)).toBeGreaterThan(cutRow?.estimated ?? Number.NaN);
    expect(cutRow?.knownDrift).toBeUndefined();
    // The day's cost differs in a row estimates do not explain: drift.
    expect(report.rows.find((row) => row.metric === 'cost_usd')?.knownDrift).toBeUndefined();
    expect(report.knownDrift).toBe(1);
    expect(report.pastThreshold).toBe(2);
    expect(formatReconcileVerdict(report)).toBe(
      '2 row(s) drift past 0% (marked !); 1 row(s) of known drift (marked ~): estimates Anthropic cannot settle.',
    );
  });
});
