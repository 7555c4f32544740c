import { type AppConfig, type AppContext, createEventEnvelope } from '@llm-meter/app-kit';
import type { BudgetGate, BudgetRequest, Reservation } from '@llm-meter/budget-gate';
import {
  createAnthropicUsageEvent,
  createGeminiUsageEvent,
  type RefusalEvent,
  type UsageEvent,
} from '@llm-meter/meter-core';
import { journalBudgetRefusal } from '@llm-meter/metering';
import { formatRefusal } from './format-refusal.js';
import { supportHandbook } from './support-handbook.js';

/** The output limit of each call: its worst case is its prompt plus this. */
const maxOutputTokens = 300;

/** What one Claude or Gemini call came to: its usage event, or the budget's refusal. */
export type ProviderCallResult =
  | { kind: 'metered'; event: UsageEvent }
  | { kind: 'refused'; line: string };

/**
 * Sends one question to Claude with `@anthropic-ai/sdk` (the shared handbook as a cached system
 * block, so a repeated run reads the prompt cache and the first one writes it) and one to Gemini
 * with `@google/genai`, on the configured providers or the embedded openai-local, and meters
 * each response into the outbox like the OpenAI calls. With a budget gate, each call is checked
 * first against the subject's budget, like the OpenAI calls.
 * @see https://docs.anthropic.com/en/api/messages
 * @see https://ai.google.dev/api/generate-content
 */
export async function meterClaudeAndGemini({
  anthropic,
  gemini,
  config,
  subject,
  prompt,
  gate,
  enqueue,
}: {
  anthropic: AppContext<unknown>['anthropic'];
  gemini: AppContext<unknown>['gemini'];
  config: AppConfig;
  subject: string;
  prompt: string;
  gate: BudgetGate | undefined;
  /** Journals a response's usage event, or a refused call's refusal event. */
  enqueue: (event: UsageEvent | RefusalEvent) => void;
}): Promise<ProviderCallResult[]> {
  const now = () => new Date();
  const results: ProviderCallResult[] = [];
  const claudeRequest = {
    model: config.anthropic.models[0] as string,
    max_tokens: maxOutputTokens,
    system: [
      {
        type: 'text' as const,
        text: supportHandbook,
        cache_control: { type: 'ephemeral' as const },
      },
    ],
    messages: [{ role: 'user' as const, content: prompt }],
  };
  results.push(
    await gated({
      gate,
      config,
      subject,
      provider: 'anthropic',
      requestedModel: claudeRequest.model,
      request: claudeRequest,
      async call() {
        const message = await anthropic.messages.create(claudeRequest);
        return createAnthropicUsageEvent(message, {
          ...createEventEnvelope({ config, subject, feature: 'blocking-demo' }),
          now,
          request: claudeRequest,
        });
      },
      enqueue,
    }),
  );
  const geminiModel = config.gemini.models[0] as string;
  const geminiRequest = {
    model: geminiModel,
    contents: prompt,
    config: { systemInstruction: supportHandbook, maxOutputTokens },
  };
  results.push(
    await gated({
      gate,
      config,
      subject,
      provider: 'google',
      requestedModel: geminiModel,
      request: geminiRequest,
      async call() {
        const response = await gemini.models.generateContent(geminiRequest);
        return createGeminiUsageEvent(response, {
          ...createEventEnvelope({ config, subject, feature: 'blocking-demo' }),
          now,
          requestedModel: geminiModel,
        });
      },
      enqueue,
    }),
  );
  return results;
}

/** Reserves the call's worst case, makes it, enqueues its event and settles the reservation. */
async function gated({
  gate,
  config,
  subject,
  provider,
  requestedModel,
  request,
  call,
  enqueue,
}: {
  gate: BudgetGate | undefined;
  config: AppConfig;
  subject: string;
  /** meter-core's provider id, whose estimator prices the worst case. */
  provider: string;
  requestedModel: string;
  request: BudgetRequest;
  call: () => Promise<UsageEvent>;
  enqueue: (event: UsageEvent | RefusalEvent) => void;
}): Promise<ProviderCallResult> {
  let reservation: Reservation | undefined;
  try {
    reservation = await gate?.reserve({ subject, request, provider });
  } catch (error) {
    const refusal = formatRefusal({ subject, error });
    if (refusal === undefined) throw error;
    journalBudgetRefusal({
      outbox: { enqueue },
      error,
      request: { model: requestedModel },
      envelope: { provider, source: config.eventSource },
      // The demo stops, as it does when a call's usage cannot be journaled.
      onError: (caught) => {
        throw caught;
      },
    });
    return { kind: 'refused', line: refusal };
  }
  let event: UsageEvent;
  try {
    event = await call();
  } catch (error) {
    // Nothing was billed: release the reservation, book no usage.
    if (reservation) await gate?.settle({ reservation });
    throw error;
  }
  enqueue(event);
  // The real usage replaces the worst case until OpenMeter has ingested the event.
  if (reservation) await gate?.settle({ reservation, event });
  return { kind: 'metered', event };
}
