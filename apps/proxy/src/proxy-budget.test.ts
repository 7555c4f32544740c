import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postChatCompletion } from './__fixtures__/post-chat-completion.js';
import { type ProxyStack, startProxyStack } from './__fixtures__/start-proxy-stack.js';

const feature = 'proxy_llm_tokens';
const subject = 'customer-budget';
let stack: ProxyStack;

beforeAll(async () => {
  stack = await startProxyStack({ budgetFeature: feature });
  // A metered entitlement on the token meter with a grant of 60 tokens, made through the client.
  const raw = stack.client.raw;
  const created = await raw.POST('/api/v1/features', {
    body: { key: feature, name: 'LLM tokens through the proxy', meterSlug: 'llm_tokens_total' },
  });
  expect(created.response.status).toBe(201);
  const periodStart = new Date(Date.now() - 3_600_000).toISOString();
  const entitlement = await raw.POST('/api/v1/subjects/{subjectIdOrKey}/entitlements', {
    params: { path: { subjectIdOrKey: subject } },
    body: {
      type: 'metered',
      featureKey: feature,
      usagePeriod: { interval: 'MONTH', anchor: periodStart },
      measureUsageFrom: periodStart,
      isSoftLimit: false,
      isUnlimited: false,
      issueAfterResetPriority: 1,
      preserveOverageAtReset: false,
    },
  });
  expect(entitlement.response.status).toBe(201);
  const grant = await raw.POST(
    '/api/v1/subjects/{subjectIdOrKey}/entitlements/{entitlementIdOrFeatureKey}/grants',
    {
      params: { path: { subjectIdOrKey: subject, entitlementIdOrFeatureKey: feature } },
      body: {
        amount: 60,
        effectiveAt: periodStart,
        expiration: { duration: 'DAY', count: 7 },
        maxRolloverAmount: 0,
        minRolloverAmount: 0,
      },
    },
  );
  expect(grant.response.status).toBe(201);
});
afterAll(async () => {
  await stack?.close();
});

describe('budget gate in front of upstream', () => {
  it('admits a call within the grant and refuses one over it with 429 insufficient_quota, before upstream', async () => {
    const client = stack.sdk(subject);
    // Worst case: 8 prompt tokens + 5 output tokens, well within 60.
    const admitted = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hi' }],
      max_completion_tokens: 5,
    });
    expect(admitted.usage?.total_tokens).toBeGreaterThan(0);

    const seen = stack.upstreamRequests.length;
    const response = await postChatCompletion({
      url: stack.proxyUrl,
      subject,
      body: {
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Write a long story' }],
        max_completion_tokens: 100,
      },
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as { error: Record<string, unknown> };
    expect(body).toEqual({
      error: {
        message: expect.stringMatching(/^You exceeded your current quota: .*customer-budget/),
        type: 'insufficient_quota',
        param: null,
        code: 'insufficient_quota',
      },
    });
    // The SDK reads it as OpenAI's own quota error.
    const error = await client.chat.completions
      .create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Write a long story' }],
        max_completion_tokens: 100,
        stream: true,
      })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.code).toBe('insufficient_quota');
    // Neither refused call reached upstream, and nothing was metered for them.
    expect(stack.upstreamRequests.slice(seen)).toEqual([]);
    expect(await stack.meterTotal({ meter: 'llm_tokens_total', subject })).toBe(
      admitted.usage?.total_tokens,
    );

    // An Anthropic call over the budget: Anthropic's RateLimitError, before upstream.
    const anthropic = await new Anthropic({
      apiKey: 'sk-ant-caller',
      baseURL: stack.proxyOrigin,
      maxRetries: 0,
      defaultHeaders: { 'OpenMeter-Subject': subject },
    }).messages
      .create({
        model: 'claude-sonnet-4-5',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'Write a long story' }],
      })
      .catch((caught: unknown) => caught);
    expect(anthropic).toBeInstanceOf(Anthropic.RateLimitError);
    expect((anthropic as InstanceType<typeof Anthropic.RateLimitError>).error).toMatchObject({
      type: 'error',
      error: { type: 'rate_limit_error' },
    });
    expect(stack.upstreamRequests.slice(seen)).toEqual([]);

    // Each of the three refusals is counted for the customer (llm_budget_refusals), by provider
    // and requested model, and none as tokens.
    expect(await stack.meterTotal({ meter: 'llm_budget_refusals', subject })).toBe(3);
    const refusals = await stack.client.meters.query('llm_budget_refusals', {
      subject: [subject],
      groupBy: ['provider', 'requested_model', 'reason'],
    });
    expect(
      refusals.data
        .map(({ groupBy, value }): Record<string, unknown> => ({ ...groupBy, value }))
        .sort((a, b) => String(a.provider).localeCompare(String(b.provider))),
    ).toEqual([
      {
        provider: 'anthropic',
        requested_model: 'claude-sonnet-4-5',
        reason: 'over_quota',
        value: 1,
      },
      { provider: 'openai', requested_model: 'gpt-4o-mini', reason: 'over_quota', value: 2 },
    ]);
    expect(await stack.meterTotal({ meter: 'llm_tokens_total', subject })).toBe(
      admitted.usage?.total_tokens,
    );
  });
});
