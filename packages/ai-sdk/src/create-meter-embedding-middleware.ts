import { randomUUID } from 'node:crypto';
import { toUsageEvent, type UsageEvent } from '@llm-meter/meter-core';
import { type CallJournal, createCallJournal } from '@llm-meter/metering';
import type { JsonRecord, ModelLike } from './ai-sdk-types.js';
import type { MeterMiddlewareOptions } from './meter-middleware-options.js';
import { createNormalizedUsageEvent } from './normalized/create-normalized-usage-event.js';
import { isRefusedByProvider } from './prepare-meter-call.js';
import { reserveBudget } from './reserve-budget.js';
import { resolveMeterCall } from './resolve-meter-call.js';

/** The embedding call options the middleware reads (`EmbeddingModelV3CallOptions`). */
export interface EmbedCallOptionsLike {
  values: readonly unknown[];
  abortSignal?: AbortSignal | null | undefined;
  providerOptions?: Record<string, JsonRecord | undefined> | null | undefined;
}

/** What `doEmbed` resolves to, as far as metering reads it. */
export interface EmbedResultLike {
  usage?: { tokens?: number | null | undefined } | null | undefined;
  response?:
    | { headers?: Record<string, string | undefined> | null | undefined; body?: unknown }
    | null
    | undefined;
}

/**
 * The embedding middleware's shape, accepted by `wrapEmbeddingModel` of `ai` 6 (`v3`) and 7 (`v4`).
 * @see https://ai-sdk.dev/docs/reference/ai-sdk-core/wrap-embedding-model
 */
export interface MeterEmbeddingMiddleware<Version extends 'v3' | 'v4'> {
  readonly specificationVersion: Version;
  wrapEmbed(input: {
    doEmbed: () => PromiseLike<EmbedResultLike>;
    params: EmbedCallOptionsLike;
    model: ModelLike;
  }): Promise<never>;
}

const logError = (error: unknown) =>
  console.error('[@llm-meter/ai-sdk] metering failed, the call went on:', error);

/**
 * An embedding model middleware for `wrapEmbeddingModel` that meters every `embed` /
 * `embedMany` call: OpenAI's raw usage through meter-core's mapping, any other provider's
 * token count (flagged `usage_normalized`), else an estimate of the input; journaled before the
 * call is sent, keyed by upstream's request id. Same subject, budget and error rules as
 * {@link createMeterMiddleware}.
 * @see https://ai-sdk.dev/docs/ai-sdk-core/middleware
 */
export function createMeterEmbeddingMiddleware<Version extends 'v3' | 'v4' = 'v3'>(
  options: MeterMiddlewareOptions & { specificationVersion?: Version | undefined },
): MeterEmbeddingMiddleware<Version> {
  if (typeof options?.outbox?.openStream !== 'function') {
    throw new TypeError(
      'createMeterEmbeddingMiddleware needs options.outbox, a usage outbox: createUsageOutbox({ client, dir }) from @llm-meter/meter-outbox',
    );
  }
  const onError = options.onError ?? logError;
  return {
    specificationVersion: (options.specificationVersion ?? 'v3') as Version,
    async wrapEmbed({ doEmbed, params, model }) {
      const envelope = resolveMeterCall({ providerOptions: params.providerOptions, options });
      const openai = model.provider.startsWith('openai.');
      const meterOptions = {
        ...envelope,
        provider: options.provider ?? (openai ? 'openai' : model.provider.split('.')[0]),
        fallbackId: (options.generateId ?? randomUUID)(),
      };
      const request = { model: model.modelId, input: params.values.map(String) };
      const reservation = options.budget
        ? await reserveBudget({
            budget: options.budget,
            feature: options.feature,
            subject: envelope.subject,
            request,
            provider: 'openai',
            url: `${model.provider}:${model.modelId}`,
            requestedModel: model.modelId,
            refusals: { ...options, onError },
          })
        : undefined;
      const settle = (event: UsageEvent | undefined) => {
        try {
          if (event) options.onUsage?.(event);
        } catch (error) {
          onError(error);
        }
        if (reservation && options.budget)
          options.budget.settle({ reservation, event }).catch(onError);
      };
      let journal: CallJournal | undefined;
      try {
        journal = createCallJournal({
          endpoint: 'embeddings',
          request,
          outbox: options.outbox,
          options: meterOptions,
          onJournalError: onError,
        });
        journal.start();
      } catch (error) {
        onError(error);
      }
      let result: EmbedResultLike;
      try {
        result = await doEmbed();
      } catch (error) {
        try {
          const aborted = params.abortSignal?.aborted === true;
          if (!journal || !aborted || isRefusedByProvider(error)) {
            journal?.abandon();
            settle(undefined);
          } else {
            const event = journal.finish({ reason: 'aborted' });
            journal.complete(event);
            settle(event);
          }
        } catch (meteringError) {
          onError(meteringError);
        }
        throw error;
      }
      try {
        const requestId = result.response?.headers?.['x-request-id'];
        const eventOptions = requestId ? { ...meterOptions, fallbackId: requestId } : meterOptions;
        const body = result.response?.body;
        const event =
          (openai && typeof body === 'object' && body !== null
            ? toUsageEvent(body as Parameters<typeof toUsageEvent>[0], { ...eventOptions, request })
            : createNormalizedUsageEvent({
                usage: { inputTokens: { total: result.usage?.tokens } },
                responseId: undefined,
                time: undefined,
                model: undefined,
                requestedModel: model.modelId,
                provider: model.provider,
                endpoint: 'embeddings',
                options: eventOptions,
              })) ?? (journal as CallJournal).finish({ reason: 'completed' });
        if (journal) journal.complete(event);
        else options.outbox.enqueue(event);
        settle(event);
      } catch (error) {
        onError(error);
      }
      return result as never;
    },
  };
}
