import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openMeterMeters, type UsageEvent, withStreamUsage } from '@llm-meter/meter-core';
import { createUsageOutbox, type UsageOutbox } from '@llm-meter/meter-outbox';
import { startOpenAILocal } from '@llm-meter/openai-local';
import { createOpenMeterClient } from '@llm-meter/openmeter-client';
import { startOpenMeterLocal } from '@llm-meter/openmeter-local';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { createUsageSettler, type SettlementResult } from './create-usage-settler.js';
import { meterChatStreamIntoOutbox } from './meter-chat-stream-into-outbox.js';
import { meterResponsesStreamIntoOutbox } from './meter-responses-stream-into-outbox.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// Retry pacing only: openai-local finalizes an aborted stream's bill when it notices the
// disconnect, so the first retrieve may find it still in progress. Nothing asserts on time.
const retryDelaysMs = [0, 50, 100, 200, 400, 800, 1600, 3200, 6400];

async function startServers() {
  const openaiLocal = await startOpenAILocal({ tokensPerSecond: 100 });
  cleanups.push(() => openaiLocal.close());
  const openmeterLocal = await startOpenMeterLocal({ meters: openMeterMeters });
  cleanups.push(() => openmeterLocal.close());
  const openai = new OpenAI({ apiKey: 'openai-local', baseURL: openaiLocal.url, maxRetries: 0 });
  const openmeter = createOpenMeterClient({ baseUrl: openmeterLocal.url });
  const outbox = await createUsageOutbox({
    client: createOpenMeterClient({ baseUrl: openmeterLocal.url, retry: false }),
    flushIntervalMs: 10,
    logger: false,
  });
  cleanups.push(() => outbox.close());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metering-settle-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return { openai, openmeter, outbox, dir };
}

/** A settler on the servers' outbox and directory that records every result; closed after the test. */
function startRecordingSettler({
  openai,
  outbox,
  dir,
  delaysMs = retryDelaysMs,
}: {
  openai: OpenAI;
  outbox: UsageOutbox;
  dir: string;
  delaysMs?: number[];
}) {
  const results: SettlementResult[] = [];
  const settler = createUsageSettler({
    client: openai,
    outbox,
    dir,
    retryDelaysMs: delaysMs,
    onSettled: (result) => results.push(result),
  });
  cleanups.push(() => settler.close());
  return { settler, results };
}

/** Streams a Responses answer and stops after `deltas` text deltas; returns its final event. */
async function abortedResponsesStream({
  openai,
  outbox,
  deltas,
}: {
  openai: OpenAI;
  outbox: UsageOutbox;
  deltas: number;
}) {
  const request = { model: 'gpt-4.1-mini', input: 'Tell me about lighthouses, at length.' };
  const stream = await openai.responses.create({ ...request, stream: true });
  let final: { event: UsageEvent; responseId: string | undefined } | undefined;
  let seen = 0;
  for await (const event of meterResponsesStreamIntoOutbox({
    stream,
    request,
    outbox,
    options: { subject: 'customer-settle' },
    onUsage: (usage, { responseId }) => {
      final = { event: usage, responseId };
    },
  })) {
    if (event.type === 'response.output_text.delta' && ++seen >= deltas) break;
  }
  if (!final) throw new Error('the stream was not metered');
  return final;
}

describe('createUsageSettler against openai-local and openmeter-local', () => {
  it('settles aborted streams to what openai-local billed, and the meters converge on it', async () => {
    const { openai, openmeter, outbox, dir } = await startServers();
    const { settler, results } = startRecordingSettler({ openai, outbox, dir });

    const responses = await abortedResponsesStream({ openai, outbox, deltas: 5 });
    expect(responses.event.data).toMatchObject({
      usage_source: 'estimated',
      estimate_reason: 'aborted',
    });
    expect(settler.track(responses)).toBe(true);

    const chatRequest = {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user' as const, content: 'Tell me about ships, at length.' }],
      store: true,
    };
    const chatStream = await openai.chat.completions.create(
      withStreamUsage({ ...chatRequest, stream: true as const }),
    );
    let chat: { event: UsageEvent; responseId: string | undefined } | undefined;
    let chunks = 0;
    for await (const _ of meterChatStreamIntoOutbox({
      stream: chatStream,
      request: chatRequest,
      outbox,
      options: { subject: 'customer-settle' },
      onUsage: (event, { responseId }) => {
        chat = { event, responseId };
      },
    })) {
      if (++chunks >= 6) break;
    }
    expect(chat?.event.data.usage_source).toBe('estimated');
    expect(settler.track(chat as NonNullable<typeof chat>)).toBe(true);

    expect(await settler.drain()).toEqual({ pending: 0 });
    await outbox.flush();

    // What openai-local billed, as its retrieve endpoints answer.
    const billedResponse = await openai.responses.retrieve(responses.responseId as string);
    const billedChat = await openai.chat.completions.retrieve(chat?.responseId as string);
    const billedTotal =
      Number(billedResponse.usage?.total_tokens) + Number(billedChat.usage?.total_tokens);
    const billedPrompt =
      Number(billedResponse.usage?.input_tokens) + Number(billedChat.usage?.prompt_tokens);
    const billedCompletion =
      Number(billedResponse.usage?.output_tokens) + Number(billedChat.usage?.completion_tokens);

    const sum = async (slug: string) =>
      (await openmeter.meters.query(slug)).data.reduce((total, row) => total + row.value, 0);
    expect(await sum('llm_tokens_total')).toBe(billedTotal);
    expect(await sum('llm_prompt_tokens')).toBe(billedPrompt);
    expect(await sum('llm_completion_tokens')).toBe(billedCompletion);

    console.info(
      `estimates total ${Number(responses.event.data.total_tokens) + Number(chat?.event.data.total_tokens)}, openai-local billed ${billedTotal}, meters after settlement ${await sum('llm_tokens_total')}; outcomes ${results.map((result) => result.outcome).join(', ')}`,
    );
    // The estimates stay; each correction is one more event under a deterministic id.
    const corrected = results.filter((result) => result.outcome === 'corrected');
    const ids = (await openmeter.events.list({ limit: 100 })).map((stored) => stored.event.id);
    for (const result of corrected) {
      expect(ids).toContain(result.estimate.id);
      expect(ids).toContain(`${result.estimate.id}:settled`);
      expect(result.correction?.data.usage_source).toBe('settled');
    }
    expect(results.map((result) => result.outcome).sort()).toEqual(
      results.map((result) => (result.correction ? 'corrected' : 'exact')).sort(),
    );
  });

  it('resumes pending settlements from its journal after a restart', async () => {
    const { openai, outbox, dir } = await startServers();
    const responses = await abortedResponsesStream({ openai, outbox, deltas: 3 });
    // The first process tracks the estimate and stops before any attempt (as if killed).
    const first = createUsageSettler({ client: openai, outbox, dir, retryDelaysMs: [3_600_000] });
    expect(first.track(responses)).toBe(true);
    first.close();
    expect(await first.drain()).toEqual({ pending: 0 });
    expect(first.stats()).toMatchObject({ corrected: 0, exact: 0, unsettled: 0 });

    const { settler: second, results } = startRecordingSettler({ openai, outbox, dir });
    await second.drain();
    expect(results.map((result) => result.estimate.id)).toEqual([responses.event.id]);
    expect(results[0]?.outcome).not.toBe('unsettled');

    // Ended settlements are not resumed again.
    const third = createUsageSettler({ client: openai, outbox, dir, retryDelaysMs });
    cleanups.push(() => third.close());
    expect(third.stats().pending).toBe(0);
  });

  it('journals an estimate tracked for later without settling it; the next settler does', async () => {
    const { openai, outbox, dir } = await startServers();
    const responses = await abortedResponsesStream({ openai, outbox, deltas: 3 });
    const first = createUsageSettler({ client: openai, outbox, dir, retryDelaysMs });
    expect(first.track({ ...responses, later: true })).toBe(true);
    expect(first.stats().pending).toBe(0);
    expect(await first.drain()).toEqual({ pending: 0 });
    first.close();

    const { settler: second, results } = startRecordingSettler({ openai, outbox, dir });
    expect(second.stats().pending).toBe(1);
    await second.drain();
    expect(results.map((result) => result.estimate.id)).toEqual([responses.event.id]);
    expect(results[0]?.outcome).not.toBe('unsettled');
  });

  it('leaves what cannot be retrieved an estimate, after bounded attempts', async () => {
    const { openai, outbox, dir } = await startServers();
    const { settler, results } = startRecordingSettler({
      openai,
      outbox,
      dir,
      delaysMs: [0, 0, 0],
    });
    // A chat completion created without store: true cannot be retrieved (404).
    const request = {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user' as const, content: 'Hello' }],
    };
    const stream = await openai.chat.completions.create({ ...request, stream: true });
    let final: { event: UsageEvent; responseId: string | undefined } | undefined;
    for await (const _ of meterChatStreamIntoOutbox({
      stream,
      request,
      outbox,
      options: { subject: 'customer-settle' },
      onUsage: (event, { responseId }) => {
        final = { event, responseId };
      },
    })) {
      break;
    }
    expect(settler.track(final as NonNullable<typeof final>)).toBe(true);
    await settler.drain();
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ outcome: 'unsettled', correction: undefined });
    expect(results[0]?.reason).toContain('404');
  });
});
