import { randomUUID } from 'node:crypto';
import { journalBudgetRefusal } from '../journal-budget-refusal.js';
import { type BudgetOutcome, bookSdkBudget } from './book-sdk-budget.js';
import { type CallContext, createCallContext } from './call-context.js';
import { type BudgetFetch, createBudgetFetch } from './create-budget-fetch.js';
import { meterSdkCall, type SdkCallPlan, type SdkPromise } from './meter-sdk-call.js';
import type { MeterSdkOptions } from './meter-sdk-options.js';
import { createMeteringStats } from './metering-stats.js';
import type { SdkRequestOptions } from './take-subject-header.js';
import type { BudgetRefusal } from './to-budget-refusal.js';

// biome-ignore lint/suspicious/noExplicitAny: an SDK's overloaded methods, any version.
type SdkMethod = (...args: any[]) => unknown;

/** One metered client: its shared context, its budget gate, and how to meter a method in place. */
export interface SdkMetering {
  context: CallContext;
  /** The budget gate in front of the client's `fetch`, when `options.budget` is set and `budgetFetch` given. */
  budget: BudgetFetch | undefined;
  /**
   * Books a call's worst case before it is sent, when `options.budget` is set: for SDKs whose
   * `fetch` the gate cannot stand in front of (`@google/genai`), which await it and throw their
   * own error for a refusal. A refusal over quota is journaled as an `llm_refusal` event.
   */
  bookBudget:
    | ((input: { subject: string; request: Record<string, unknown> }) => Promise<BudgetOutcome>)
    | undefined;
  /**
   * Replaces `resource[name]` in place by `metered`, which gets the original method (bound to
   * the resource) and the caller's arguments.
   */
  meter<Resource extends Record<Name, SdkMethod>, Name extends string>(input: {
    resource: Resource;
    name: Name;
    metered: (original: SdkMethod, args: unknown[]) => unknown;
  }): void;
  /**
   * Meters `resource.create` of a Stainless SDK (openai, Anthropic) in place with
   * `meterSdkCall`: `plan` is the provider's part of each call.
   */
  meterCreate(input: {
    resource: { create: SdkMethod };
    /** The SDK method, for errors (`messages.create`). */
    method: string;
    /** The response header naming the request upstream (`x-request-id`, `request-id`). */
    requestIdHeader: string;
    plan: (input: {
      body: Record<string, unknown>;
      envelope: Parameters<Parameters<typeof meterSdkCall>[0]['plan']>[0]['envelope'];
      outbox: MeterSdkOptions['outbox'];
      onJournalError: (error: unknown) => void;
    }) => SdkCallPlan;
  }): void;
}

const metered = new WeakSet<object>();

/**
 * Starts metering an SDK client (what `meterOpenAI`, `meterAnthropic` and `meterGoogleGenAI`
 * share): refuses a client metered already (it would bill every call twice) and options without
 * an outbox, starts the client's counters (`readMeteringStats`), and with `options.budget` puts
 * the budget gate in front of the client's `fetch` (`budgetFetch`: the provider's error body, so
 * the SDK throws its own error for a refusal), or, for an SDK without one, offers `bookBudget`.
 * @see https://openmeter.io/docs/metering/events/usage-events
 */
export function createSdkMetering({
  client,
  options,
  wrapper,
  provider,
  headerHint,
  budgetFetch,
}: {
  client: object;
  options: MeterSdkOptions;
  /** The wrapper's name, in errors (`meterOpenAI`). */
  wrapper: string;
  /** meter-core's provider id of the SDK's API (`openai`, `anthropic`, `google`). */
  provider: string;
  /** Where a call's subject header goes, in the error of a call without a subject. */
  headerHint?: string | undefined;
  /** Puts the budget gate in the client's `fetch` (Stainless SDKs), with the provider's error body. */
  budgetFetch?: { errorBody: (refusal: BudgetRefusal) => unknown } | undefined;
}): SdkMetering {
  if (metered.has(client)) {
    throw new TypeError(
      `${wrapper}: this client is metered already (metering it again would bill every call twice): keep using the client the first ${wrapper} returned`,
    );
  }
  if (typeof options?.outbox?.enqueue !== 'function') {
    throw new TypeError(
      `${wrapper}: options.outbox must be a usage outbox: pass createUsageOutbox({ client, dir }) of @llm-meter/meter-outbox`,
    );
  }
  const stats = createMeteringStats(client);
  const context = createCallContext({ options, stats, wrapper, headerHint });
  const generateId = options.generateId ?? randomUUID;
  // Journaled like usage, so the customer's refusals are counted; never fails the call.
  const journalRefusal = ({
    error,
    request,
  }: {
    error: unknown;
    request: Record<string, unknown>;
  }) =>
    journalBudgetRefusal({
      outbox: options.outbox,
      error,
      request,
      envelope: {
        provider: options.provider ?? provider,
        source: options.source,
        now: options.now,
        generateId,
      },
      onError: (caught) =>
        context.failed({ stage: 'a budget refusal could not be journaled', error: caught }),
    });
  const budgetOptions = options.budget;
  const bookBudget: SdkMetering['bookBudget'] = budgetOptions
    ? ({ subject, request }) =>
        bookSdkBudget({
          budget: budgetOptions,
          subject,
          request,
          provider,
          onRefusal: journalRefusal,
          onSettleError: (error) =>
            context.failed({ stage: 'a budget reservation could not be settled', error }),
        })
    : undefined;
  let budget: BudgetFetch | undefined;
  if (bookBudget && budgetFetch) {
    const sdk = client as { fetch?: BudgetFetch['fetch'] };
    if (typeof sdk.fetch !== 'function') {
      throw new TypeError(
        `${wrapper}: options.budget needs a client of the SDK itself: this client has no fetch to put the budget gate in front of`,
      );
    }
    budget = createBudgetFetch({
      fetch: sdk.fetch,
      book: bookBudget,
      errorBody: budgetFetch.errorBody,
      generateId,
    });
    sdk.fetch = budget.fetch;
  }
  metered.add(client);
  const meter: SdkMetering['meter'] = ({ resource, name, metered: meterCall }) => {
    const original = resource[name];
    const bound: SdkMethod = (...args) => original.apply(resource, args);
    (resource as Record<string, SdkMethod>)[name] = function meteredMethod(...args: unknown[]) {
      return meterCall(bound, args);
    };
  };
  return {
    context,
    budget,
    bookBudget,
    meter,
    meterCreate({ resource, method, requestIdHeader, plan }) {
      meter({
        resource,
        name: 'create',
        metered: (create, [body, requestOptions]) =>
          meterSdkCall({
            create: create as (body: unknown, options: unknown) => SdkPromise<unknown>,
            body: body as Record<string, unknown>,
            requestOptions: requestOptions as SdkRequestOptions | undefined,
            method,
            plan: ({ envelope, onJournalError }) =>
              plan({
                body: body as Record<string, unknown>,
                envelope,
                outbox: context.outbox,
                onJournalError,
              }),
            requestIdHeader,
            context,
            budget,
            client,
          }),
      });
    },
  };
}
