import { createEventEnvelope, runApp } from '@llm-meter/app-kit';
import { toUsageEvent } from '@llm-meter/meter-core';
import { demoDefaults } from './demo-defaults.js';
import { supportHandbook } from './support-handbook.js';

// Sends support questions (the arguments, or a default set) with a shared system prompt, spread
// over the configured subjects and models, meters each response, delivers the events through
// the outbox, then prints the usage table OpenMeter answers.
const defaultPrompts = [
  'How are the AI assistant tokens on my invoice counted?',
  'Can I get a refund for last month overage?',
  'Why do some of my events not show up on the dashboard?',
  'We keep getting 429 errors from the ingestion API. What should we do?',
  'Does the Growth plan include single sign-on?',
  'What happens when a card payment fails?',
];

const usage = `usage: blocking [question ...]

Sends support questions (the arguments, or ${defaultPrompts.length} built-in ones) over a shared system prompt,
spread over the configured subjects and models, meters each response into OpenMeter through the
outbox, and prints the usage table OpenMeter answers.

Configuration: environment variables, or the .env file at the repository root (see the README).
Without OPENAI_API_KEY / OPENAI_BASE_URL an embedded OpenAI-compatible server answers; without
OPENMETER_URL an embedded OpenMeter-compatible server stores the events in .llm-meter/.`;

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
  async main({ args, config, openai, outbox, print }) {
    const list = args.prompts.length > 0 ? args.prompts : defaultPrompts;
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
      };
      const completion = await openai.chat.completions.create(request);
      const event = toUsageEvent(completion, {
        ...createEventEnvelope({ config, subject, feature: 'blocking-demo' }),
        request,
      });
      outbox.enqueue(event);
      const { data } = event;
      print(
        `${subject}  ${data.model}  prompt=${data.prompt_tokens} cached=${data.cached_tokens ?? 0} completion=${data.completion_tokens} total=${data.total_tokens} (${data.usage_source})  id=${event.id}`,
      );
    }
  },
});
