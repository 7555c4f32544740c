import { AppConfigError, createEventEnvelope, runApp } from '@llm-meter/app-kit';
import {
  countChatPromptTokens,
  countTokens,
  type UsageEvent,
  withStreamUsage,
} from '@llm-meter/meter-core';
import { meterChatStreamIntoOutbox } from '@llm-meter/metering';
import { parseStreamArguments } from './parse-stream-arguments.js';

// Streams chat completions (include_usage on), printing text as it arrives, and meters each
// stream crash-safe into the outbox. `--abort-after N` stops the last stream early to show an
// aborted stream metered as an estimate.
const defaultPrompts = [
  'Tell a short story about a lighthouse keeper who counts ships.',
  'Explain streaming responses and why their usage arrives last.',
  'Describe, step by step, how a usage meter turns events into an invoice.',
];

await runApp({
  app: 'stream',
  async main({ config, openai, outbox, print }) {
    let options: ReturnType<typeof parseStreamArguments>;
    try {
      options = parseStreamArguments(process.argv.slice(2));
    } catch (error) {
      throw new AppConfigError((error as Error).message);
    }
    const prompts = options.prompts.length > 0 ? options.prompts : defaultPrompts;
    for (const [index, prompt] of prompts.entries()) {
      const subject = config.subjects[index % config.subjects.length] as string;
      const model = config.openai.models[index % config.openai.models.length] as string;
      const request = { model, messages: [{ role: 'user' as const, content: prompt }] };
      const abortAfter = index === prompts.length - 1 ? options.abortAfter : undefined;
      const controller = new AbortController();
      const stream = await openai.chat.completions.create(
        withStreamUsage({ ...request, stream: true as const }),
        { signal: controller.signal },
      );
      let event: UsageEvent | undefined;
      let text = '';
      let contentChunks = 0;
      if (!options.quiet) process.stdout.write(`\n[${subject} · ${model}] `);
      for await (const chunk of meterChatStreamIntoOutbox({
        stream,
        request,
        outbox,
        signal: controller.signal,
        options: createEventEnvelope({ config, subject, feature: 'stream-demo' }),
        onUsage: (usage) => {
          event = usage;
        },
      })) {
        const delta = chunk.choices[0]?.delta?.content;
        if (!delta) continue;
        text += delta;
        contentChunks += 1;
        if (!options.quiet) process.stdout.write(delta);
        if (abortAfter !== undefined && contentChunks >= abortAfter) {
          controller.abort();
          break;
        }
      }
      if (!options.quiet) process.stdout.write('\n');
      if (!event) continue;
      const { data } = event;
      const source =
        data.usage_source === 'provider' ? 'provider' : `estimated: ${data.estimate_reason}`;
      print(
        `${subject}  ${data.model}  prompt=${data.prompt_tokens} cached=${data.cached_tokens ?? 0} completion=${data.completion_tokens} total=${data.total_tokens} (${source})  id=${event.id}`,
      );
      if (data.usage_source === 'provider')
        print(`  ${compareWithEstimate({ request, text, data })}`);
    }
  },
});

function compareWithEstimate({
  request,
  text,
  data,
}: {
  request: { model: string; messages: Array<{ role: 'user'; content: string }> };
  text: string;
  data: UsageEvent['data'];
}): string {
  try {
    const prompt = countChatPromptTokens(request).tokens;
    const completion = countTokens({ text, model: data.model });
    return `estimate beside provider: prompt ${prompt} vs ${data.prompt_tokens}, completion ${completion} vs ${data.completion_tokens}`;
  } catch (error) {
    return `no estimate for ${data.model}: ${(error as Error).message}`;
  }
}
