import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { type AppConfig, createEventEnvelope } from '@llm-meter/app-kit';
import {
  createAnthropicUsageEvent,
  createGeminiUsageEvent,
  type UsageEvent,
} from '@llm-meter/meter-core';

// One model of each, kept few so the README's start command stays fast.
const claudeModel = 'claude-haiku-4-5';
const geminiModel = 'gemini-2.5-flash';

/**
 * On the embedded openai-local (which also answers Anthropic's Messages API and Gemini's
 * generateContent), sends one question to a Claude model with `@anthropic-ai/sdk` and one to a
 * Gemini model with `@google/genai`, and meters each response into the outbox like the OpenAI
 * calls: the usage table then shows them beside the OpenAI models.
 * @see https://docs.anthropic.com/en/api/messages
 */
export async function meterClaudeAndGemini({
  origin,
  config,
  subject,
  prompt,
  enqueue,
}: {
  /** openai-local's origin, `http://127.0.0.1:PORT`. */
  origin: string;
  config: AppConfig;
  subject: string;
  prompt: string;
  enqueue: (event: UsageEvent) => void;
}): Promise<UsageEvent[]> {
  const envelope = createEventEnvelope({ config, subject, feature: 'blocking-demo' });
  const now = () => new Date();
  const anthropic = new Anthropic({ apiKey: 'openai-local', baseURL: origin, maxRetries: 0 });
  const request = {
    model: claudeModel,
    max_tokens: 300,
    messages: [{ role: 'user' as const, content: prompt }],
  };
  const message = await anthropic.messages.create(request);
  const claudeEvent = createAnthropicUsageEvent(message, { ...envelope, now, request });
  enqueue(claudeEvent);

  const google = new GoogleGenAI({ apiKey: 'openai-local', httpOptions: { baseUrl: origin } });
  const response = await google.models.generateContent({ model: geminiModel, contents: prompt });
  const geminiEvent = createGeminiUsageEvent(response, {
    ...createEventEnvelope({ config, subject, feature: 'blocking-demo' }),
    now,
    requestedModel: geminiModel,
  });
  enqueue(geminiEvent);
  return [claudeEvent, geminiEvent];
}
