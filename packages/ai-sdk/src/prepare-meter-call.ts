import { randomUUID } from 'node:crypto';
import type { Reservation } from '@llm-meter/budget-gate';
import type { StreamMeterOptions, UsageEvent } from '@llm-meter/meter-core';
import type { JournaledStreamMeter } from '@llm-meter/metering';
import type { CallOptionsLike, ModelLike, StreamPartLike } from './ai-sdk-types.js';
import type { MeterMiddlewareOptions } from './meter-middleware-options.js';
import { NormalizedStreamMeter } from './normalized/normalized-stream-meter.js';
import type { AiSdkProviderAdapter } from './providers/ai-sdk-provider-adapter.js';
import { findProviderAdapter } from './providers/find-provider-adapter.js';
import { openaiChatAdapter } from './providers/openai-chat-adapter.js';
import { reserveBudget } from './reserve-budget.js';
import { resolveMeterCall } from './resolve-meter-call.js';

/** One call about to be sent: whom it bills, how it is metered, and its estimate's request. */
export interface PreparedMeterCall {
  /** The envelope, with the provisional `fallbackId` of its journal record. */
  readonly meterOptions: StreamMeterOptions & { fallbackId: string };
  /** The exact mapping of the model's provider, or `undefined` (normalized usage). */
  readonly adapter: AiSdkProviderAdapter | undefined;
  /** The request body estimated before the provider's own is known. */
  readonly request: Record<string, unknown>;
  readonly model: ModelLike;
  /** The meter of the call's stream or prompt, over the given request. */
  createMeter(request: Record<string, unknown>): JournaledStreamMeter<unknown>;
  /** Journals the event, books it against the budget, reports it; never throws. */
  settle(event: UsageEvent | undefined): void;
  /** Reports a metering failure; never throws. */
  readonly onError: (error: unknown) => void;
}

const logError = (error: unknown) =>
  console.error('[@llm-meter/ai-sdk] metering failed, the call went on:', error);

/**
 * Resolves who pays (throwing `MeterSubjectError` when no one does), picks the provider's exact
 * mapping, and books the budget when one is set: the only await before the call is sent.
 */
export function prepareMeterCall({
  params,
  model,
  options,
}: {
  params: CallOptionsLike;
  model: ModelLike;
  options: MeterMiddlewareOptions;
}): PreparedMeterCall | Promise<PreparedMeterCall> {
  const envelope = resolveMeterCall({ providerOptions: params.providerOptions, options });
  const meterOptions = { ...envelope, fallbackId: (options.generateId ?? randomUUID)() };
  const adapter = findProviderAdapter({ provider: model.provider });
  const request = (adapter ?? openaiChatAdapter).requestOf({ params, modelId: model.modelId });
  const onError = options.onError ?? logError;
  const createMeter = (body: Record<string, unknown>): JournaledStreamMeter<unknown> =>
    adapter
      ? adapter.createMeter({ request: body, modelId: model.modelId, options: meterOptions })
      : (new NormalizedStreamMeter({
          request: body as never,
          provider: model.provider,
          options: meterOptions,
        }) as JournaledStreamMeter<StreamPartLike> as JournaledStreamMeter<unknown>);
  const prepared = (reservation: Reservation | undefined): PreparedMeterCall => ({
    meterOptions,
    adapter,
    request,
    model,
    createMeter,
    onError,
    settle(event) {
      try {
        if (event !== undefined) options.onUsage?.(event);
      } catch (error) {
        onError(error);
      }
      if (reservation === undefined || options.budget === undefined) return;
      options.budget.settle({ reservation, event }).catch(onError);
    },
  });
  if (options.budget === undefined) return prepared(undefined);
  return reserveBudget({
    budget: options.budget,
    feature: options.feature,
    subject: envelope.subject,
    request: { ...request, max_tokens: params.maxOutputTokens ?? undefined },
    provider: adapter?.provider ?? 'openai',
    url: `${model.provider}:${model.modelId}`,
    requestedModel: model.modelId,
    refusals: { ...options, onError },
  }).then(prepared);
}

/** The request body the SDK sent (an object, or its JSON), else `fallback`. */
export function readRequestBody({
  body,
  fallback,
}: {
  body: unknown;
  fallback: Record<string, unknown>;
}): Record<string, unknown> {
  if (typeof body === 'object' && body !== null && !Array.isArray(body))
    return body as Record<string, unknown>;
  if (typeof body === 'string') {
    try {
      const parsed: unknown = JSON.parse(body);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
        return parsed as Record<string, unknown>;
    } catch {}
  }
  return fallback;
}

/** Whether a failed call reached the provider and was refused (billing nothing). */
export function isRefusedByProvider(error: unknown): boolean {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && (status < 200 || status >= 300);
}
