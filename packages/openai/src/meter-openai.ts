import { randomUUID } from 'node:crypto';
import { createBudgetRefusalEvent } from '@llm-meter/budget-gate';
import type { UsageEndpoint } from '@llm-meter/meter-core';
import { createCallContext } from './call-context.js';
import { type BudgetFetch, createBudgetFetch } from './create-budget-fetch.js';
import { meterCall, type SdkPromise } from './meter-call.js';
import type { MeterOpenAIOptions } from './meter-openai-options.js';
import { createMeteringStats } from './metering-stats.js';
import type { SdkRequestOptions } from './take-subject-header.js';

// biome-ignore lint/suspicious/noExplicitAny: the SDK's overloaded `create` methods, any version.
type Create = (...args: any[]) => unknown;

/** The part of an `OpenAI` client (openai 6 or 7) that `meterOpenAI` meters. */
export interface MeterableOpenAI {
  chat: { completions: { create: Create } };
  responses: { create: Create };
  embeddings: { create: Create };
}

const metered = new WeakSet<object>();

/**
 * Meters an `OpenAI` client of the openai SDK (6 or 7) and returns the same client, with the
 * same type: every `chat.completions.create`, `responses.create` and `embeddings.create` (and
 * the helpers built on them: `.stream()`, `.parse()`, `runTools`) is billed by exactly one usage
 * event per response, journaled in `options.outbox` before the call is sent. Streams are
 * journaled per chunk (a crash bills what was streamed), estimated when they end badly, and ask
 * for `stream_options.include_usage` (its chunk is kept from a caller that did not ask). Who pays
 * comes from the `x-llm-meter-subject` header of the call, else `withSubject` /
 * `withMeterScope`, else `options.defaultSubject`; a call with none throws `MeterSubjectError`.
 * Metering never fails a call: what it cannot do is logged and counted (`readMeteringStats`).
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export function meterOpenAI<Client extends MeterableOpenAI>(
  client: Client,
  options: MeterOpenAIOptions,
): Client {
  if (metered.has(client)) {
    throw new TypeError(
      'meterOpenAI: this client is metered already (metering it again would bill every call twice): keep using the client the first meterOpenAI returned',
    );
  }
  if (typeof options?.outbox?.enqueue !== 'function') {
    throw new TypeError(
      'meterOpenAI: options.outbox must be a usage outbox: pass createUsageOutbox({ client, dir }) of @llm-meter/meter-outbox',
    );
  }
  const stats = createMeteringStats(client);
  const context = createCallContext({ options, stats });
  let budget: BudgetFetch | undefined;
  if (options.budget) {
    const sdk = client as unknown as { fetch?: BudgetFetch['fetch'] };
    if (typeof sdk.fetch !== 'function') {
      throw new TypeError(
        'meterOpenAI: options.budget needs an OpenAI client of the openai SDK (6 or 7): this client has no fetch to put the budget gate in front of',
      );
    }
    budget = createBudgetFetch({
      fetch: sdk.fetch,
      budget: options.budget,
      generateId: options.generateId ?? randomUUID,
      onSettleError: (error) =>
        context.failed({ stage: 'a budget reservation could not be settled', error }),
      onRefusal: ({ error, request }) => {
        // Journaled like usage, so the customer's refusals are counted; never fails the call.
        try {
          options.outbox.enqueue(
            createBudgetRefusalEvent({
              error,
              id: (options.generateId ?? randomUUID)(),
              now: options.now ?? (() => new Date()),
              provider: options.provider,
              requestedModel: typeof request.model === 'string' ? request.model : undefined,
              source: options.source,
            }),
          );
        } catch (caught) {
          context.failed({ stage: 'a budget refusal could not be journaled', error: caught });
        }
      },
    });
    sdk.fetch = budget.fetch;
  }
  const meter = (resource: { create: Create }, endpoint: UsageEndpoint) => {
    const create = resource.create;
    resource.create = function create_(
      body: Record<string, unknown>,
      requestOptions?: SdkRequestOptions,
    ) {
      return meterCall({
        create: (sentBody, sentOptions) =>
          create.call(resource, sentBody, sentOptions) as SdkPromise<unknown>,
        body,
        requestOptions,
        endpoint,
        context,
        budget,
        client,
      });
    };
  };
  meter(client.chat.completions, 'chat.completions');
  meter(client.responses, 'responses');
  meter(client.embeddings, 'embeddings');
  metered.add(client);
  return client;
}
