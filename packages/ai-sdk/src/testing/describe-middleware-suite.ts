import { createBudgetGate } from '@llm-meter/budget-gate';
import { MeterSubjectError } from '@llm-meter/metering';
import { type BilledRequest, faultHeaderName } from '@llm-meter/openai-local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMeterEmbeddingMiddleware } from '../create-meter-embedding-middleware.js';
import { createMeterMiddleware } from '../create-meter-middleware.js';
import { withSubject } from '../index.js';
import type { AiSdkUnderTest } from './ai-sdk-under-test.js';
import { type StoredEvent, startServers } from './start-servers.js';

type Servers = Awaited<ReturnType<typeof startServers>>;

/** The ledger's tokens of a billed request, in the usage event's fields. */
const billedTokens = (line: BilledRequest) => ({
  prompt_tokens: line.input_tokens,
  completion_tokens: line.output_tokens,
  cached_tokens: line.input_cached_tokens,
  reasoning_tokens: line.reasoning_tokens,
});
const eventTokens = (event: StoredEvent) => ({
  prompt_tokens: event.data.prompt_tokens,
  completion_tokens: event.data.completion_tokens,
  cached_tokens: event.data.cached_tokens,
  reasoning_tokens: event.data.reasoning_tokens,
});

/**
 * The middleware against openai-local (OpenAI chat and Responses, Anthropic, Gemini) and
 * openmeter-local through one AI SDK major: every response the simulator billed reaches
 * OpenMeter exactly once, under the provider's id, with the simulator's tokens.
 */
export function describeMiddlewareSuite(sdk: AiSdkUnderTest): void {
  let servers: Servers;
  const models = () => {
    const { url, origin } = servers.openaiLocal;
    const openai = sdk.createOpenAI({ baseURL: url, apiKey: 'sk-test' });
    const anthropic = sdk.createAnthropic({ baseURL: url, apiKey: 'sk-ant-test' });
    const google = sdk.createGoogleGenerativeAI({ baseURL: `${origin}/v1beta`, apiKey: 'g-test' });
    return [
      // `stallAfter`: chunks up to and including the first text (Responses and Anthropic open
      // with events that carry none).
      { name: 'openai responses', model: openai('gpt-4o-mini'), stallAfter: 6 },
      { name: 'openai chat', model: openai.chat('gpt-4o-mini'), stallAfter: 3 },
      { name: 'anthropic', model: anthropic('claude-haiku-4-5'), stallAfter: 5 },
      { name: 'gemini', model: google('gemini-2.5-flash'), stallAfter: 2 },
    ];
  };
  const wrap = (
    model: unknown,
    options: Partial<Parameters<typeof createMeterMiddleware>[0]> = {},
  ) =>
    sdk.ai.wrapLanguageModel({
      model,
      middleware: createMeterMiddleware({
        outbox: servers.outbox,
        specificationVersion: sdk.specificationVersion,
        onError: (error) => {
          throw error;
        },
        ...options,
      }),
    });

  beforeAll(async () => {
    servers = await startServers();
  });
  afterAll(() => servers?.close());

  /** Waits until OpenMeter holds `count` events of `subject`, then returns them. */
  const delivered = async (subject: string, count: number) => {
    await servers.outbox.flush();
    await expect.poll(async () => (await servers.events(subject)).length).toBe(count);
    return servers.events(subject);
  };

  describe(`${sdk.name}: each provider, blocking, streamed, aborted and cancelled`, () => {
    it('meters every response exactly once, with the ledger tokens under the provider id', async () => {
      const subject = `${sdk.name}-exact`;
      const before = new Set(servers.ledger().map((line) => line.id));
      let calls = 0;
      for (const { model: inner } of models()) {
        const model = wrap(inner);
        const prompt = 'Tell me about metering tokens.';
        const generated = await withSubject(subject, () =>
          sdk.ai.generateText({ model, prompt, maxOutputTokens: 40 }),
        );
        expect(generated.usage.outputTokens).toBeGreaterThan(0);
        const streamed = sdk.ai.streamText({
          model,
          prompt,
          maxOutputTokens: 40,
          providerOptions: { llmMeter: { subject } },
        });
        for await (const part of streamed.fullStream) {
          // The middleware asks for raw chunks; a caller that did not never sees them.
          expect(part.type).not.toBe('raw');
        }
        // A caller that stops reading: the grace read still bills the provider's usage.
        const cancelled = sdk.ai.streamText({
          model,
          prompt,
          maxOutputTokens: 40,
          providerOptions: { llmMeter: { subject } },
        });
        for await (const delta of cancelled.textStream) if (delta.length > 0) break;
        calls += 3;
      }
      const events = await delivered(subject, calls);
      const billed = servers.ledger().filter((line) => !before.has(line.id));
      expect(billed).toHaveLength(calls);
      for (const line of billed) {
        const matching = events.filter((event) => event.id === line.id);
        expect(matching, `event of ${line.id}`).toHaveLength(1);
        const [event] = matching as [StoredEvent];
        // Answered to the end (`max_tokens` reached is `incomplete`): the provider's usage.
        expect(event.data.usage_source, `${line.provider} ${line.outcome}`).toBe('provider');
        expect(eventTokens(event)).toEqual(billedTokens(line));
      }
      const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
      expect(sum(events.map((event) => Number(event.data.total_tokens)))).toBe(
        sum(billed.map((line) => line.input_tokens + line.output_tokens)),
      );
    });

    it('bills a stream the caller aborts while upstream stalls as an estimate under the provider id, once', async () => {
      const subject = `${sdk.name}-aborted`;
      const before = new Set(servers.ledger().map((line) => line.id));
      for (const { model: inner, stallAfter } of models()) {
        // Any grace shorter than the stall: the rest of the answer never comes within it.
        const model = wrap(inner, { abortGraceMs: 50 });
        const controller = new AbortController();
        const streamed = sdk.ai.streamText({
          model,
          prompt: 'Write a long story about a meter.',
          maxOutputTokens: 400,
          abortSignal: controller.signal,
          // Upstream holds the rest of the answer: the caller aborts with only part of it.
          headers: { [faultHeaderName]: `stall-after=${stallAfter}, stall-ms=600000` },
          providerOptions: { llmMeter: { subject } },
          onError: () => undefined,
        });
        let deltas = 0;
        try {
          for await (const delta of streamed.textStream) {
            if (delta.length > 0) deltas += 1;
            if (deltas === 1) controller.abort();
          }
        } catch {}
        expect(deltas).toBeGreaterThanOrEqual(1);
      }
      const events = await delivered(subject, 4);
      await expect
        .poll(() => servers.ledger().filter((line) => !before.has(line.id)).length)
        .toBe(4);
      for (const line of servers.ledger().filter((billed) => !before.has(billed.id))) {
        const matching = events.filter((event) => event.id === line.id);
        expect(matching, `event of ${line.id} (${line.provider})`).toHaveLength(1);
        const [event] = matching as [StoredEvent];
        expect(event.data).toMatchObject({ usage_source: 'estimated', estimate_reason: 'aborted' });
        expect(Number(event.data.completion_tokens)).toBeGreaterThan(0);
      }
    });

    it('bills a stream the caller left after upstream finished from the provider usage (abort grace)', async () => {
      const subject = `${sdk.name}-grace`;
      const before = new Set(servers.ledger().map((line) => line.id));
      for (const { model: inner } of models()) {
        // A grace no test run outlasts: the rest of the answer always arrives within it.
        const model = wrap(inner, { abortGraceMs: 600_000 });
        const controller = new AbortController();
        const streamed = sdk.ai.streamText({
          model,
          prompt: 'Write a long story about a meter.',
          maxOutputTokens: 400,
          abortSignal: controller.signal,
          providerOptions: { llmMeter: { subject } },
          onError: () => undefined,
        });
        try {
          for await (const delta of streamed.textStream) if (delta.length > 0) controller.abort();
        } catch {}
      }
      const events = await delivered(subject, 4);
      for (const line of servers.ledger().filter((billed) => !before.has(billed.id))) {
        const matching = events.filter((event) => event.id === line.id);
        expect(matching, `event of ${line.id} (${line.provider})`).toHaveLength(1);
        const [event] = matching as [StoredEvent];
        expect(event.data.usage_source).toBe('provider');
        expect(eventTokens(event)).toEqual(billedTokens(line));
      }
    });
  });

  describe(`${sdk.name}: who pays`, () => {
    it('refuses a call that names no subject before sending it, and bills a configured default', async () => {
      const inner = models()[0]?.model;
      const sentBefore = servers.ledger().length;
      await expect(
        sdk.ai.generateText({ model: wrap(inner), prompt: 'Hi', maxRetries: 0 }),
      ).rejects.toThrow(MeterSubjectError);
      expect(servers.ledger()).toHaveLength(sentBefore);
      await sdk.ai.generateText({
        model: wrap(inner, { subject: `${sdk.name}-default` }),
        prompt: 'Hi',
      });
      const [event] = await delivered(`${sdk.name}-default`, 1);
      expect(event?.subject).toBe(`${sdk.name}-default`);
    });

    it('keeps concurrent scopes apart and lets providerOptions win', async () => {
      const inner = models()[0]?.model;
      const model = wrap(inner, { dimensions: { app: 'suite' } });
      await Promise.all(
        ['a', 'b', 'c'].map((name) =>
          withSubject(`${sdk.name}-scope-${name}`, () =>
            // `b` streams: the scope holds inside the SDK's stream pipeline too.
            name === 'b'
              ? sdk.ai.streamText({ model, prompt: `Hello from ${name}` }).consumeStream()
              : sdk.ai.generateText({
                  model,
                  prompt: `Hello from ${name}`,
                  providerOptions:
                    name === 'c'
                      ? { llmMeter: { subject: `${sdk.name}-scope-override` } }
                      : undefined,
                }),
          ),
        ),
      );
      for (const name of ['a', 'b', 'override']) {
        const [event] = await delivered(`${sdk.name}-scope-${name}`, 1);
        expect(event?.data.app).toBe('suite');
      }
      expect(await servers.events(`${sdk.name}-scope-c`)).toHaveLength(0);
    });
  });

  describe(`${sdk.name}: budget, normalized usage, embeddings`, () => {
    it("refuses a subject over quota with the AI SDK's APICallError before sending", async () => {
      const inner = models()[0]?.model;
      const budget = createBudgetGate({
        readValue: async () => ({ balance: 0, usage: 0, overage: 0, hasAccess: false }),
        feature: 'llm_tokens',
      } as never);
      const sentBefore = servers.ledger().length;
      const error = await sdk.ai
        .generateText({
          model: wrap(inner, { budget, subject: `${sdk.name}-broke` }),
          prompt: 'Hi',
          maxRetries: 0,
        })
        .catch((caught: unknown) => caught);
      expect(sdk.APICallError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ statusCode: 429, isRetryable: false });
      expect(servers.ledger()).toHaveLength(sentBefore);
      // Nothing billed; the refusal is journaled as a refusal event, with no token count.
      const [refusal] = await delivered(`${sdk.name}-broke`, 1);
      expect(refusal).toMatchObject({
        type: 'llm_refusal',
        data: { reason: 'over_quota', feature: 'llm_tokens', requested_model: inner?.modelId },
      });
      expect(Object.keys(refusal?.data ?? {}).filter((key) => key.endsWith('_tokens'))).toEqual([]);
    });

    it("meters a provider without a mapping from the SDK's normalized usage, flagged", async () => {
      const openai = sdk.createOpenAI({ baseURL: servers.openaiLocal.url, apiKey: 'sk-test' });
      const renamed = sdk.ai.wrapLanguageModel({
        model: openai.chat('gpt-4o-mini'),
        // A middleware that changes nothing but the provider's name.
        middleware: { specificationVersion: sdk.specificationVersion },
        providerId: 'acme.chat',
      });
      const subject = `${sdk.name}-normalized`;
      const model = wrap(renamed, { subject });
      await sdk.ai.generateText({ model, prompt: 'Hello' });
      const streamed = sdk.ai.streamText({ model, prompt: 'Hello' });
      await streamed.consumeStream();
      const events = await delivered(subject, 2);
      for (const event of events) {
        const line = servers.ledger().find((billed) => billed.id === event.id);
        expect(line, `ledger line of ${event.id}`).toBeDefined();
        expect(event.data).toMatchObject({ provider: 'acme', usage_normalized: true });
        expect(eventTokens(event)).toEqual(billedTokens(line as BilledRequest));
      }
    });

    it('meters embeddings through the embedding middleware', async () => {
      const openai = sdk.createOpenAI({ baseURL: servers.openaiLocal.url, apiKey: 'sk-test' });
      const subject = `${sdk.name}-embeddings`;
      const model = sdk.ai.wrapEmbeddingModel({
        model: openai.embedding('text-embedding-3-small'),
        middleware: createMeterEmbeddingMiddleware({
          outbox: servers.outbox,
          subject,
          specificationVersion: sdk.specificationVersion,
        }),
      });
      const { usage } = await sdk.ai.embedMany({ model, values: ['one meter', 'two meters'] });
      const [event] = await delivered(subject, 1);
      expect(event?.data).toMatchObject({
        endpoint: 'embeddings',
        usage_source: 'provider',
        prompt_tokens: usage.tokens,
      });
      expect(
        servers.ledger().some((line) => line.id === event?.id || line.request_id === event?.id),
      ).toBe(true);
    });
  });
}
