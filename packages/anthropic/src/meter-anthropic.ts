import { createSdkMetering, type MeterSdkOptions } from '@llm-meter/metering/sdk';
import { createAnthropicErrorBody } from './create-anthropic-error-body.js';
import { planAnthropicCall } from './plan-anthropic-call.js';

// biome-ignore lint/suspicious/noExplicitAny: the SDK's overloaded `create` methods, any version.
type Create = (...args: any[]) => unknown;

/** The part of an `Anthropic` client (`@anthropic-ai/sdk` 0.x or 1.x) that `meterAnthropic` meters. */
export interface MeterableAnthropic {
  messages: { create: Create };
  beta?: { messages?: { create: Create } | undefined } | undefined;
}

/** Options of {@link meterAnthropic} (those of every metered SDK client). */
export type MeterAnthropicOptions = MeterSdkOptions;

/**
 * Meters an `Anthropic` client of `@anthropic-ai/sdk` (0.x or 1.x) and returns the same client,
 * with the same type: every `messages.create` and `beta.messages.create`, blocking or streamed,
 * and the helpers built on them (`messages.stream()`, `messages.parse()`,
 * `beta.messages.toolRunner()`), is billed by exactly one usage event per message (`msg_…`),
 * journaled in `options.outbox` before the call is sent. Streams are journaled per event (a
 * crash bills what was streamed) and estimated when they end badly. Who pays comes from the
 * `x-llm-meter-subject` header of the call, else `withSubject` / `withMeterScope`, else
 * `options.defaultSubject`; a call with none throws `MeterSubjectError`. Metering never fails a
 * call: what it cannot do is logged and counted (`readMeteringStats`).
 * @see https://docs.anthropic.com/en/api/messages
 */
export function meterAnthropic<Client extends MeterableAnthropic>(
  client: Client,
  options: MeterAnthropicOptions,
): Client {
  const metering = createSdkMetering({
    client,
    options,
    wrapper: 'meterAnthropic',
    provider: 'anthropic',
    budgetFetch: { errorBody: createAnthropicErrorBody },
  });
  const meterMessages = (resource: { create: Create }, method: string) =>
    metering.meterCreate({
      resource,
      method,
      requestIdHeader: 'request-id',
      plan: planAnthropicCall,
    });
  meterMessages(client.messages, 'messages.create');
  if (client.beta?.messages) meterMessages(client.beta.messages, 'beta.messages.create');
  return client;
}
