import { createEventEnvelope, runApp } from '@llm-meter/app-kit';
import { toUsageEvent } from '@llm-meter/meter-core';

// Sends chat prompts (the arguments, or a default set) spread over the configured subjects and
// models, meters each response, delivers the events through the outbox, then prints the usage
// table OpenMeter answers.
const defaultPrompts = [
  'Summarize the plot of Hamlet in two sentences.',
  'Write a haiku about metered billing.',
  'Explain what an idempotency key is to a new engineer.',
  'List three ways to reduce prompt token usage.',
  'What is the difference between a meter and an entitlement?',
  'Give a one-paragraph history of the CloudEvents specification.',
];

const prompts = process.argv.slice(2).filter((argument) => argument !== '--');

await runApp({
  app: 'blocking',
  async main({ config, openai, outbox, print }) {
    const list = prompts.length > 0 ? prompts : defaultPrompts;
    for (const [index, prompt] of list.entries()) {
      const subject = config.subjects[index % config.subjects.length] as string;
      const model = config.openai.models[index % config.openai.models.length] as string;
      const request = {
        model,
        messages: [
          { role: 'system' as const, content: 'You are a concise assistant.' },
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
