import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  convertChatUsage,
  meterChatStream,
  toUsageEvent,
  type UsageEvent,
  usageEventMeters,
  withStreamUsage,
} from '@llm-meter/meter-core';
import { createSettlementEvent } from '@llm-meter/metering';
import { startOpenAILocal } from '@llm-meter/openai-local';
import { createOpenMeterClient, type MeterCreate } from '@llm-meter/openmeter-client';
import { startOpenMeterLocal } from '@llm-meter/openmeter-local';
import { priceUsageEvent } from '@llm-meter/prices';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type DriftRow, isPastThreshold } from './compare-usage.js';
import { formatReconcileReport } from './format-reconcile-report.js';
import { createOpenAIUsageReport } from './providers/openai/create-openai-usage-report.js';
import { reconcileUsage } from './reconcile-usage.js';

// End to end on 127.0.0.1: openai-local serves and bills (its organisation Usage and Costs APIs),
// meter-core turns its answers into events, openmeter-local meters them, and the reconciliation
// sets one beside the other. openai-local's clock is fixed, so every request falls on one day.
const day = '2026-12-01';
const adminKey = 'sk-admin-reconcile-test';
// The meters meter-core ships (split by provider, model, served tier and usage source).
const meters = usageEventMeters.map((meter) => ({ ...meter })) as MeterCreate[];

let openaiLocal: Awaited<ReturnType<typeof startOpenAILocal>>;
let openmeterLocal: Awaited<ReturnType<typeof startOpenMeterLocal>>;
let openmeter: ReturnType<typeof createOpenMeterClient>;
let openai: OpenAI;

beforeAll(async () => {
  // A variable, not a literal: a stale openai-local dist/ (whose types win over `source` in its
  // exports) must not fail the typecheck on options added since.
  const options = { port: 0, adminKey, now: () => new Date(`${day}T10:00:00.000Z`) };
  openaiLocal = await startOpenAILocal(options);
  openmeterLocal = await startOpenMeterLocal({ meters });
  openmeter = createOpenMeterClient({ baseUrl: openmeterLocal.url, retry: false });
  openai = new OpenAI({ baseURL: openaiLocal.url, apiKey: 'sk-test', maxRetries: 0 });
});

afterAll(async () => {
  await openaiLocal?.close();
  await openmeterLocal?.close();
});

async function ingest(event: UsageEvent) {
  await openmeter.events.ingest(event);
}

function reconcile(threshold = 0) {
  return reconcileUsage({
    openmeter,
    usageReport: createOpenAIUsageReport({ baseUrl: openaiLocal.url, adminKey }),
    from: day,
    to: day,
    threshold,
  });
}

const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));

/** Runs `llm-meter-reconcile` (the source, through tsx) against the given servers. */
function runReconcileCommand({
  args,
  openaiUrl,
  openmeterUrl,
}: {
  args: string[];
  openaiUrl: string;
  openmeterUrl: string;
}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--conditions=@llm-meter/source', cli, ...args],
      {
        env: {
          ...process.env,
          OPENAI_ADMIN_KEY: adminKey,
          OPENAI_BASE_URL: openaiUrl,
          OPENMETER_URL: openmeterUrl,
        },
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('reconcileUsage against openai-local and openmeter-local', () => {
  it('shows zero drift for blocking requests, and prices the one served at flex at flex', async () => {
    const requests = [
      {
        model: 'gpt-4o-mini',
        messages: [{ role: 'user' as const, content: 'Name three prime numbers.' }],
      },
      {
        model: 'o4-mini',
        service_tier: 'flex' as const,
        messages: [{ role: 'user' as const, content: 'Why is the sky blue? One sentence.' }],
      },
    ];
    for (const request of requests) {
      const response = await openai.chat.completions.create(request);
      const event = toUsageEvent(response, { subject: 'customer-acme', request });
      await ingest(event);
      if (request.service_tier === 'flex') {
        expect(event.data.service_tier).toBe('flex');
        expect(priceUsageEvent(event)).toMatchObject({ status: 'priced', tier: 'flex' });
      }
    }
    // An answer of an OpenAI-compatible server (Ollama's shape) is left out: OpenAI never saw it.
    const ollamaAnswer = {
      id: 'chatcmpl-417',
      object: 'chat.completion' as const,
      created: Date.parse(`${day}T11:00:00.000Z`) / 1000,
      model: 'llama3.2',
      choices: [
        {
          index: 0,
          message: { role: 'assistant' as const, content: 'Hello!' },
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 26, completion_tokens: 3, total_tokens: 29 },
    };
    await ingest(toUsageEvent(ollamaAnswer, { subject: 'customer-acme', provider: 'ollama' }));
    const report = await reconcile();
    expect(report.dimensions).toEqual({ serviceTier: true, projectId: false, apiKeyId: false });
    expect(report.limitations.at(-1)).toMatch(/other providers \(ollama\) is left out/);
    expect(report.rows.filter((row) => row.difference !== 0)).toEqual([]);
    expect(report.pastThreshold).toBe(0);
    expect(
      report.rows.filter((row) => row.metric === 'input').map((row) => row.serviceTier),
    ).toEqual(['default', 'flex']);
    expect(report.rows.some((row) => row.metric === 'cost_usd')).toBe(true);
  });

  it('shows the drift of an aborted stream metered as an unsettled estimate', async () => {
    const request = withStreamUsage({
      model: 'gpt-4o-mini',
      stream: true as const,
      messages: [
        {
          role: 'user' as const,
          content: 'Write a long story about a lighthouse keeper and the sea, in many paragraphs.',
        },
      ],
    });
    const stream = await openai.chat.completions.create(request);
    const events: UsageEvent[] = [];
    let chunks = 0;
    for await (const _chunk of meterChatStream(stream, {
      request,
      subject: 'customer-acme',
      onUsage: (event) => {
        events.push(event);
      },
    })) {
      chunks += 1;
      if (chunks === 8) break;
    }
    expect(events).toHaveLength(1);
    const [estimate] = events as [UsageEvent];
    expect(estimate.data.usage_source).toBe('estimated');
    await ingest(estimate);

    const report = await reconcile(0);
    const drifting = report.rows.filter((row) => isPastThreshold({ row, threshold: 0 }));
    expect(drifting.length).toBeGreaterThan(0);
    const output = report.rows.find(
      (row) => row.metric === 'output' && row.model === estimate.data.model,
    );
    expect(output?.estimated).toBe(estimate.data.completion_tokens);
    expect(formatReconcileReport(report)).toContain('estimates');
  });

  it('runs as a command: drift past the threshold exits 1, --json writes the report', async () => {
    const run = (args: string[]) =>
      runReconcileCommand({ args, openaiUrl: openaiLocal.url, openmeterUrl: openmeterLocal.url });
    const json = await run(['--from', day, '--to', day, '--threshold', '0', '--json']);
    expect(json.stderr).toBe('');
    expect(json.code).toBe(1);
    const output = JSON.parse(json.stdout) as {
      reports: Array<{ pastThreshold: number; limitations: string[] }>;
    };
    expect(output.reports).toHaveLength(1);
    expect(output.reports[0]?.pastThreshold).toBeGreaterThan(0);
    expect(output.reports[0]?.limitations[0]).toMatch(/no end-customer dimension/);

    const text = await run(['--from', day, '--to', day, '--threshold', '100000']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^day +model +tier +metric +metered +openai +difference/m);

    const noKey = await new Promise<number>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', '--conditions=@llm-meter/source', cli, '--from', day, '--to', day],
        { env: { ...process.env, OPENAI_ADMIN_KEY: '' } },
        (error) => resolve(error ? Number(error.code ?? 1) : 0),
      );
    });
    expect(noKey).toBe(2);

    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: llm-meter-reconcile --from YYYY-MM-DD --to YYYY-MM-DD/);
    expect(help.stdout).toContain('Provider usage has no end-customer dimension');
    expect(help.stdout).toContain('ANTHROPIC_ADMIN_KEY');
    // Four child processes that each load tsx: minutes on a busy 2-core machine, never a timing claim.
  }, 600_000);
});

describe('reconcileUsage per project (one OpenAI project per customer)', () => {
  const projectDay = '2026-12-02';
  let projectOpenAI: Awaited<ReturnType<typeof startOpenAILocal>>;
  let projectOpenMeter: Awaited<ReturnType<typeof startOpenMeterLocal>>;

  beforeAll(async () => {
    const options = { port: 0, adminKey, now: () => new Date(`${projectDay}T08:00:00.000Z`) };
    projectOpenAI = await startOpenAILocal(options);
    projectOpenMeter = await startOpenMeterLocal({
      meters: meters.map((meter) => ({
        ...meter,
        groupBy: { ...meter.groupBy, project_id: '$.project_id' },
      })),
    });
  });

  afterAll(async () => {
    await projectOpenAI?.close();
    await projectOpenMeter?.close();
  });

  it('compares each project, so each customer, on its own', async () => {
    const client = createOpenMeterClient({ baseUrl: projectOpenMeter.url, retry: false });
    const customers = [
      { subject: 'customer-acme', project: 'proj_acme', prompts: 2 },
      { subject: 'customer-globex', project: 'proj_globex', prompts: 1 },
    ];
    for (const { subject, project, prompts } of customers) {
      // The SDK sends `project` as the OpenAI-Project header; the event carries it as a dimension.
      const perProject = new OpenAI({
        baseURL: projectOpenAI.url,
        apiKey: 'sk-test',
        project,
        maxRetries: 0,
      });
      for (let index = 0; index < prompts; index += 1) {
        const request = {
          model: 'gpt-4.1-mini',
          messages: [{ role: 'user' as const, content: `Question ${index} from ${subject}.` }],
        };
        const response = await perProject.chat.completions.create(request);
        await client.events.ingest(
          toUsageEvent(response, { subject, request, dimensions: { project_id: project } }),
        );
      }
    }
    const report = await reconcileUsage({
      openmeter: client,
      usageReport: createOpenAIUsageReport({ baseUrl: projectOpenAI.url, adminKey }),
      from: projectDay,
      to: projectDay,
      threshold: 0,
    });
    expect(report.dimensions).toEqual({ serviceTier: true, projectId: true, apiKeyId: false });
    expect(report.pastThreshold).toBe(0);
    const projects = new Set(report.rows.map((row) => row.projectId));
    expect([...projects].sort()).toEqual(['proj_acme', 'proj_globex']);
    expect(report.limitations.join(' ')).not.toMatch(/no project_id or api_key_id/);
  });
});

describe('reconcileUsage after settlement of an aborted stream', () => {
  const settleDay = '2026-12-03';
  let settleOpenAI: Awaited<ReturnType<typeof startOpenAILocal>>;
  let settleOpenMeter: Awaited<ReturnType<typeof startOpenMeterLocal>>;

  beforeAll(async () => {
    const options = { port: 0, adminKey, now: () => new Date(`${settleDay}T09:00:00.000Z`) };
    settleOpenAI = await startOpenAILocal(options);
    settleOpenMeter = await startOpenMeterLocal({ meters });
  });

  afterAll(async () => {
    await settleOpenAI?.close();
    await settleOpenMeter?.close();
  });

  it('drifts while the estimate is unsettled and shows zero drift once it is settled', async () => {
    const client = createOpenMeterClient({ baseUrl: settleOpenMeter.url, retry: false });
    const sdk = new OpenAI({ baseURL: settleOpenAI.url, apiKey: 'sk-test', maxRetries: 0 });
    const request = withStreamUsage({
      model: 'gpt-4o-mini',
      stream: true as const,
      store: true,
      messages: [{ role: 'user' as const, content: 'Tell a long tale of two lighthouses.' }],
    });
    const stream = await sdk.chat.completions.create(request);
    let estimate: UsageEvent | undefined;
    let chunks = 0;
    for await (const _chunk of meterChatStream(stream, {
      request,
      subject: 'customer-acme',
      onUsage: (event) => {
        estimate = event;
      },
    })) {
      chunks += 1;
      if (chunks === 5) break;
    }
    if (!estimate) throw new Error('the aborted stream produced no event');
    expect(estimate.data.usage_source).toBe('estimated');
    await client.events.ingest(estimate);
    // What openai-local billed for the stream, once it has recorded the abort.
    const responseId = estimate.id;
    const billed = await vi.waitFor(() => sdk.chat.completions.retrieve(responseId), {
      timeout: 600_000,
      interval: 50,
    });
    if (!billed.usage) throw new Error('the retrieved chat completion has no usage');
    const reconcileDay = () =>
      reconcileUsage({
        openmeter: client,
        usageReport: createOpenAIUsageReport({ baseUrl: settleOpenAI.url, adminKey }),
        from: settleDay,
        to: settleDay,
        threshold: 0,
      });

    const unsettled = await reconcileDay();
    expect(unsettled.pastThreshold).toBeGreaterThan(0);

    const correction = createSettlementEvent({
      estimate,
      exact: convertChatUsage({ usage: billed.usage }),
    });
    if (!correction) throw new Error('the estimate was exact: nothing to settle');
    await client.events.ingest(correction);
    const settled = await reconcileDay();
    expect(settled.rows.filter((row) => row.difference !== 0)).toEqual([]);
    expect(settled.pastThreshold).toBe(0);
    const output = settled.rows.find((row) => row.metric === 'output');
    expect(output?.settled).toBe(
      (billed.usage.completion_tokens ?? 0) - estimate.data.completion_tokens,
    );
  });
});

describe('reconcileUsage with embeddings', () => {
  const embeddingsDay = '2026-12-04';
  let embeddingsOpenAI: Awaited<ReturnType<typeof startOpenAILocal>>;
  let embeddingsOpenMeter: Awaited<ReturnType<typeof startOpenMeterLocal>>;

  beforeAll(async () => {
    const options = { port: 0, adminKey, now: () => new Date(`${embeddingsDay}T09:00:00.000Z`) };
    embeddingsOpenAI = await startOpenAILocal(options);
    embeddingsOpenMeter = await startOpenMeterLocal({ meters });
  });

  afterAll(async () => {
    await embeddingsOpenAI?.close();
    await embeddingsOpenMeter?.close();
  });

  it("sets metered embeddings beside OpenAI's embeddings usage, and --threshold applies to them", async () => {
    const client = createOpenMeterClient({ baseUrl: embeddingsOpenMeter.url, retry: false });
    const sdk = new OpenAI({ baseURL: embeddingsOpenAI.url, apiKey: 'sk-test', maxRetries: 0 });
    const now = () => new Date(`${embeddingsDay}T09:00:00.000Z`);
    const embed = async (input: string) => {
      const request = { model: 'text-embedding-3-small', input };
      return { request, response: await sdk.embeddings.create(request) };
    };
    const metered = await embed('The food was delicious and the waiter was very friendly.');
    const event = toUsageEvent(metered.response, { subject: 'customer-acme', now });
    expect(event.data).toMatchObject({ endpoint: 'embeddings', model: 'text-embedding-3-small' });
    await client.events.ingest(event);
    const chat = {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user' as const, content: 'Name a colour.' }],
    };
    await client.events.ingest(
      toUsageEvent(await sdk.chat.completions.create(chat), {
        subject: 'customer-acme',
        request: chat,
      }),
    );
    const reconcileDay = (threshold: number) =>
      reconcileUsage({
        openmeter: client,
        usageReport: createOpenAIUsageReport({ baseUrl: embeddingsOpenAI.url, adminKey }),
        from: embeddingsDay,
        to: embeddingsDay,
        threshold,
      });

    const matched = await reconcileDay(0);
    const tokens = metered.response.usage.prompt_tokens;
    expect(matched.rows.filter((row) => row.model === 'text-embedding-3-small')).toMatchObject([
      { metric: 'input', serviceTier: 'default', metered: tokens, reported: tokens, difference: 0 },
    ]);
    expect(matched.rows.filter((row) => row.difference !== 0)).toEqual([]);
    expect(matched.pastThreshold).toBe(0);
    // The command of the report: `--threshold 1000` exited 1 on the embeddings row (n/a).
    const command = await runReconcileCommand({
      args: ['--from', embeddingsDay, '--to', embeddingsDay, '--threshold', '1000'],
      openaiUrl: embeddingsOpenAI.url,
      openmeterUrl: embeddingsOpenMeter.url,
    });
    expect(command.stdout).toMatch(
      new RegExp(`text-embedding-3-small +default +input +${tokens} +${tokens} +0 +0\\.00%\n`),
    );
    expect(command.code).toBe(0);

    // One more embedding that is not metered: OpenAI's figure is twice the metered one, -50%,
    // drift past a threshold of 10% and not past one of 60%.
    await embed('The food was delicious and the waiter was very friendly.');
    const [input] = (await reconcileDay(10)).rows.filter(
      (row) => row.model === 'text-embedding-3-small',
    );
    expect(input).toMatchObject({ metered: tokens, reported: 2 * tokens, percent: -50 });
    expect(isPastThreshold({ row: input as DriftRow, threshold: 10 })).toBe(true);
    expect(isPastThreshold({ row: input as DriftRow, threshold: 60 })).toBe(false);
    expect(
      (await reconcileDay(60)).rows
        .filter((row) => isPastThreshold({ row, threshold: 60 }))
        .map((row) => row.metric),
    ).toEqual([]);
  });
});
