import { defaultAbortGraceMs } from '@llm-meter/metering';
import type {
  CallOptionsLike,
  GenerateResultLike,
  ModelLike,
  StreamPartLike,
  StreamResultLike,
} from './ai-sdk-types.js';
import { meterGenerate } from './meter-generate.js';
import type { MeterMiddlewareOptions } from './meter-middleware-options.js';
import { meterStream } from './meter-stream.js';
import { type PreparedMeterCall, prepareMeterCall } from './prepare-meter-call.js';
import { findProviderAdapter } from './providers/find-provider-adapter.js';

/**
 * The middleware's shape, which `wrapLanguageModel` of `ai` 6 (`v3`) and `ai` 7 (`v4`) both
 * accept: the two specifications agree on every field it reads.
 * @see https://ai-sdk.dev/docs/reference/ai-sdk-core/wrap-language-model
 */
export interface MeterMiddleware<Version extends 'v3' | 'v4'> {
  readonly specificationVersion: Version;
  transformParams(input: {
    type: 'generate' | 'stream';
    params: CallOptionsLike;
    model: ModelLike;
  }): PromiseLike<never>;
  wrapGenerate(input: {
    doGenerate: () => PromiseLike<GenerateResultLike>;
    params: CallOptionsLike;
    model: ModelLike;
  }): PromiseLike<never>;
  wrapStream(input: {
    doStream: () => PromiseLike<StreamResultLike<StreamPartLike>>;
    params: CallOptionsLike;
    model: ModelLike;
  }): PromiseLike<never>;
}

/** What `transformParams` changed in a stream call, for `wrapStream`. */
interface StreamCallChanges {
  /** Raw chunks were asked for by the middleware, not the caller. */
  hideRawChunks: boolean;
  /** The caller's own abort signal. */
  callerSignal: AbortSignal | undefined;
  /** The signal the provider got instead, aborted after the grace read. */
  upstream: AbortController | undefined;
}

/**
 * A language model middleware for `wrapLanguageModel` that meters every call of any AI SDK
 * provider into the outbox: exactly one usage event per response, keyed by the provider's
 * response id, with the provider's own usage mapped by meter-core where the provider is OpenAI
 * (chat or Responses), Anthropic or Gemini (cache writes, reasoning and tiers exact), and the
 * SDK's normalized usage otherwise (flagged `usage_normalized`). Blocking calls and streams are
 * journaled before they are sent and streams per chunk, so a crash still bills them; a stream
 * that ends badly is estimated. Who pays comes from `providerOptions.llmMeter.subject`, the
 * enclosing `withSubject`, or `options.subject`, else the call is refused. Metering never
 * breaks a call and adds no await to it but the optional budget check.
 * Pass `specificationVersion: 'v4'` for `ai` 7 (default `'v3'`, `ai` 6).
 * @example
 * const model = wrapLanguageModel({ model: openai('gpt-4o-mini'), middleware: createMeterMiddleware({ outbox }) });
 * await withSubject('customer-1', () => generateText({ model, prompt: 'Hello' }));
 * @see https://ai-sdk.dev/docs/ai-sdk-core/middleware
 */
export function createMeterMiddleware<Version extends 'v3' | 'v4' = 'v3'>(
  options: MeterMiddlewareOptions & { specificationVersion?: Version | undefined },
): MeterMiddleware<Version> {
  if (typeof options?.outbox?.openStream !== 'function') {
    throw new TypeError(
      'createMeterMiddleware needs options.outbox, a usage outbox: createUsageOutbox({ client, dir }) from @llm-meter/meter-outbox',
    );
  }
  const abortGraceMs = options.abortGraceMs ?? defaultAbortGraceMs;
  if (!Number.isFinite(abortGraceMs) || abortGraceMs < 0) {
    throw new RangeError(
      `options.abortGraceMs must be a number of milliseconds >= 0, got ${String(options.abortGraceMs)}`,
    );
  }
  // What this middleware changed in a stream call's params, keyed by the params it returned.
  const streamCalls = new WeakMap<object, StreamCallChanges>();
  return {
    specificationVersion: (options.specificationVersion ?? 'v3') as Version,
    transformParams({ type, params, model }) {
      if (type !== 'stream') return Promise.resolve(params as never);
      // The provider's raw chunks carry its own usage fields, which the SDK's parts normalize.
      const askRaw =
        params.includeRawChunks !== true &&
        findProviderAdapter({ provider: model.provider }) !== undefined;
      const callerSignal = params.abortSignal ?? undefined;
      if (!askRaw && (callerSignal === undefined || abortGraceMs === 0))
        return Promise.resolve(params as never);
      // The provider gets a signal of ours, aborted after the grace read once the caller's fires.
      const upstream =
        callerSignal === undefined || abortGraceMs === 0 ? undefined : new AbortController();
      const next = {
        ...params,
        ...(askRaw ? { includeRawChunks: true } : {}),
        ...(upstream ? { abortSignal: upstream.signal } : {}),
      };
      streamCalls.set(next, { hideRawChunks: askRaw, callerSignal, upstream });
      return Promise.resolve(next as never);
    },
    wrapGenerate({ doGenerate, params, model }) {
      const run = (call: PreparedMeterCall) =>
        meterGenerate({
          call,
          doGenerate,
          abortSignal: params.abortSignal,
          outbox: options.outbox,
        });
      return thenOrNow(() => prepareMeterCall({ params, model, options }), run) as never;
    },
    wrapStream({ doStream, params, model }) {
      const changes = streamCalls.get(params);
      const run = (call: PreparedMeterCall) =>
        meterStream({
          call,
          doStream,
          abortSignal: changes ? changes.callerSignal : params.abortSignal,
          upstream: changes?.upstream,
          outbox: options.outbox,
          hideRawChunks: changes?.hideRawChunks ?? false,
          abortGraceMs,
        });
      return thenOrNow(() => prepareMeterCall({ params, model, options }), run) as never;
    },
  };
}

/**
 * Runs `next` on what `prepare` returns, at once unless it is a promise (the budget check): no
 * await is added to a call without a budget. A throw of `prepare` (no subject) rejects.
 */
function thenOrNow<Result>(
  prepare: () => PreparedMeterCall | Promise<PreparedMeterCall>,
  next: (call: PreparedMeterCall) => Promise<Result>,
): Promise<Result> {
  let prepared: PreparedMeterCall | Promise<PreparedMeterCall>;
  try {
    prepared = prepare();
  } catch (error) {
    return Promise.reject(error);
  }
  return prepared instanceof Promise ? prepared.then(next) : next(prepared);
}
