import { createSdkMetering, type MeterSdkOptions, subjectHeader } from '@llm-meter/metering/sdk';
import { type GenAIRequest, meterGenAICall } from './meter-genai-call.js';
import type { GenAIParams } from './take-genai-subject.js';

// biome-ignore lint/suspicious/noExplicitAny: the SDK's methods, any version.
type Method = (...args: any[]) => unknown;

/** The part of a `GoogleGenAI` client (`@google/genai` 2.x or 3.x) that `meterGoogleGenAI` meters. */
export interface MeterableGoogleGenAI {
  models: { generateContent: Method; generateContentStream: Method };
}

/** Options of {@link meterGoogleGenAI} (those of every metered SDK client). */
export type MeterGoogleGenAIOptions = MeterSdkOptions;

/**
 * The methods of `Models` that send one request each, under every public method: a chat turn,
 * each step of automatic function calling and each continuation hop goes through them, so each
 * response Google bills is metered once. Not part of the SDK's typed API, hence checked.
 */
const requests = [
  { name: 'generateContentInternal', method: 'models.generateContent', streaming: false },
  {
    name: 'generateContentStreamInternal',
    method: 'models.generateContentStream',
    streaming: true,
  },
] as const;

/**
 * Meters a `GoogleGenAI` client of `@google/genai` (2.x or 3.x, Gemini API or Vertex AI) and
 * returns the same client, with the same type: every `models.generateContent` and
 * `models.generateContentStream`, and what is built on them (`chats.create()`'s
 * `sendMessage` / `sendMessageStream`, automatic function calling, automatic continuation), is
 * billed by exactly one usage event per response Google sends (its `responseId`), journaled in
 * `options.outbox` before the request is sent. Streams are journaled per chunk (a crash bills what
 * was streamed) and estimated when they end badly (`break`, `config.abortSignal`, an error). Who
 * pays comes from the `x-llm-meter-subject` header in the call's `config.httpOptions.headers`,
 * else `withSubject` / `withMeterScope`, else `options.defaultSubject`; a call with none is
 * refused with `MeterSubjectError`. With `options.budget`, a customer over quota is refused before
 * the call with the SDK's own `ApiError` (status 429). Metering never fails a call: what it cannot
 * do is logged and counted (`readMeteringStats`).
 * @see https://ai.google.dev/api/generate-content
 */
export function meterGoogleGenAI<Client extends MeterableGoogleGenAI>(
  client: Client,
  options: MeterGoogleGenAIOptions,
): Client {
  const models = client?.models as unknown as Record<string, GenAIRequest | undefined>;
  for (const { name } of requests) {
    if (typeof models?.[name] !== 'function') {
      throw new TypeError(
        `meterGoogleGenAI: this client's models have no ${name}, through which @google/genai 2.x and 3.x send every generateContent request: pass a GoogleGenAI client of @google/genai 2 or 3`,
      );
    }
  }
  const metering = createSdkMetering({
    client,
    options,
    wrapper: 'meterGoogleGenAI',
    provider: 'google',
    headerHint: `pass config: { httpOptions: { headers: { '${subjectHeader}': customerId } } } in its parameters`,
  });
  for (const { name, method, streaming } of requests) {
    metering.meter({
      resource: models as Record<string, GenAIRequest>,
      name,
      metered: (request, [params]) =>
        meterGenAICall({
          request: request as GenAIRequest,
          params: params as GenAIParams,
          streaming,
          method,
          metering,
        }),
    });
  }
  return client;
}
