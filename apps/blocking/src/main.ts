import { createEventEnvelope, runApp } from '@llm-meter/app-kit';
import type { Reservation } from '@llm-meter/budget-gate';
import { toUsageEvent } from '@llm-meter/meter-core';
import { journalBudgetRefusal } from '@llm-meter/metering';
import { createBlockingGate } from './create-blocking-gate.js';
import { demoDefaults } from './demo-defaults.js';
import { formatRefusal } from './format-refusal.js';
import { meterClaudeAndGemini } from './meter-claude-and-gemini.js';
import { supportHandbook } from './support-handbook.js';

// Sends support questions (the arguments, or a default set) with a shared system prompt, spread
// over the configured subjects and models, meters each response, delivers the events through
// the outbox, then prints the usage table OpenMeter answers. With a budget (always on the
// embedded OpenMeter, see create-blocking-gate.ts), a call over the subject's budget is refused
// before it is sent.
const defaultPrompts = [
  'How are the AI assistant tokens on my invoice counted?',
  'Can I get a refund for last month overage?',
  'Why do some of my events not show up on the dashboard?',
  'We keep getting 429 errors from the ingestion API. What should we do?',
  'Does the Growth plan include single sign-on?',
  'What happens when a card payment fails?',
];

// The output limit of a gated call: its worst case is its prompt plus this.
const maxCompletionTokens = 500;

const usage = `usage: blocking [question ...]

Sends support questions (the arguments, or ${defaultPrompts.length} built-in ones) over a shared system prompt,
spread over the configured subjects and models, meters each response into OpenMeter through the
outbox, and prints the usage table OpenMeter answers.

Configuration: environment variables, or the .env file at the repository root (see the README).
Then one question to Claude (ANTHROPIC_MODEL) and one to Gemini (GEMINI_MODEL), metered the
same way. A provider without its key or base URL (OPENAI_API_KEY / OPENAI_BASE_URL,
ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL, GEMINI_API_KEY / GEMINI_BASE_URL) is answered by an
embedded simulator; without OPENMETER_URL an embedded OpenMeter-compatible server stores the
events in .llm-meter/.

Budgets: on the embedded OpenMeter, each subject gets a day's budget of tokens (the last one a
small one) and a call over it is refused before it is sent. On your OpenMeter, set
LLM_METER_BUDGET_FEATURE to the feature of your customers' metered entitlements to do the same
(nothing is created there). REDIS_URL shares the reservations between processes.`;

await runApp({
  app: 'blocking',
  usage,
  defaults: demoDefaults,
  parseArguments(argv) {
    const flag = argv.find((argument) => argument.startsWith('-'));
    if (flag !== undefined) {
      throw new Error(`unknown flag ${flag}; usage: blocking [question ...] (see --help)`);
    }
    return { prompts: [...argv] };
  },
  async main({ args, config, openai, anthropic, gemini, openmeter, outbox, print }) {
    const list = args.prompts.length > 0 ? args.prompts : defaultPrompts;
    const gate = await createBlockingGate({ config, openmeter, env: process.env, announce: print });
    try {
      for (const [index, prompt] of list.entries()) {
        const subject = config.subjects[index % config.subjects.length] as string;
        const model = config.openai.models[index % config.openai.models.length] as string;
        const request = {
          model,
          messages: [
            // The shared handbook comes first, so repeated questions hit OpenAI's prompt cache.
            { role: 'system' as const, content: supportHandbook },
            { role: 'user' as const, content: prompt },
          ],
          // A gated call bounds its answer, so its worst case is known before it is sent.
          ...(gate ? { max_completion_tokens: maxCompletionTokens } : {}),
        };
        let reservation: Reservation | undefined;
        try {
          reservation = await gate?.reserve({ subject, request });
        } catch (error) {
          const refusal = formatRefusal({ subject, error });
          if (refusal === undefined) throw error;
          journalBudgetRefusal({
            outbox,
            error,
            request,
            envelope: { provider: 'openai', source: config.eventSource },
            // The demo stops, as it does when a call's usage cannot be journaled.
            onError: (caught) => {
              throw caught;
            },
          });
          print(refusal);
          continue;
        }
        let completion: Awaited<ReturnType<typeof openai.chat.completions.create>>;
        try {
          completion = await openai.chat.completions.create(request);
        } catch (error) {
          // Nothing was billed: release the reservation, book no usage.
          if (reservation) await gate?.settle({ reservation });
          throw error;
        }
        const event = toUsageEvent(completion, {
          ...createEventEnvelope({ config, subject, feature: 'blocking-demo' }),
          request,
        });
        outbox.enqueue(event);
        // The real usage replaces the worst case until OpenMeter has ingested the event.
        if (reservation) await gate?.settle({ reservation, event });
        const { data } = event;
        print(
          `${subject}  ${data.model}  prompt=${data.prompt_tokens} cached=${data.cached_tokens ?? 0} completion=${data.completion_tokens} total=${data.total_tokens} (${data.usage_source})  id=${event.id}`,
        );
      }
      // One Claude and one Gemini call beside the OpenAI ones, gated the same way.
      const results = await meterClaudeAndGemini({
        anthropic,
        gemini,
        config,
        subject: config.subjects[0] as string,
        prompt: list[0] as string,
        gate,
        enqueue: (event) => outbox.enqueue(event),
      });
      for (const result of results) {
        if (result.kind === 'refused') {
          print(result.line);
          continue;
        }
        const { event } = result;
        const { data } = event;
        print(
          `${event.subject}  ${data.model}  prompt=${data.prompt_tokens} cached=${data.cached_tokens ?? 0}${data.cache_write_tokens === undefined ? '' : ` cache_write=${data.cache_write_tokens} cache_write_1h=${data.cache_write_1h_tokens}`} completion=${data.completion_tokens} total=${data.total_tokens} (${data.usage_source}, ${data.provider})  id=${event.id}`,
        );
      }
    } finally {
      await gate?.close();
    }
  },
});
