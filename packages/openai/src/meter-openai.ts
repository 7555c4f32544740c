import { createSdkMetering, type MeterSdkOptions } from '@llm-meter/metering/sdk';
import { createOpenAIErrorBody } from './create-openai-error-body.js';
import { planOpenAICall } from './meter-openai-call.js';

// biome-ignore lint/suspicious/noExplicitAny: the SDK's overloaded `create` methods, any version.
type Create = (...args: any[]) => unknown;

/** The part of an `OpenAI` client (openai 6 or 7) that `meterOpenAI` meters. */
export interface MeterableOpenAI {
  chat: { completions: { create: Create } };
  responses: { create: Create };
  embeddings: { create: Create };
}

/** Options of {@link meterOpenAI} (those of every metered SDK client). */
export type MeterOpenAIOptions = MeterSdkOptions;

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
  const metering = createSdkMetering({
    client,
    options,
    wrapper: 'meterOpenAI',
    provider: 'openai',
    budgetFetch: { errorBody: createOpenAIErrorBody },
  });
  const meterEndpoint = (
    resource: { create: Create },
    endpoint: Parameters<typeof planOpenAICall>[0]['endpoint'],
  ) =>
    metering.meterCreate({
      resource,
      method: `${endpoint}.create`,
      requestIdHeader: 'x-request-id',
      plan: (call) => planOpenAICall({ ...call, endpoint }),
    });
  meterEndpoint(client.chat.completions, 'chat.completions');
  meterEndpoint(client.responses, 'responses');
  meterEndpoint(client.embeddings, 'embeddings');
  return client;
}
