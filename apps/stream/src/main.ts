import { createEventEnvelope, runApp } from '@llm-meter/app-kit';
import {
  countChatPromptTokens,
  countTokens,
  type UsageEvent,
  withStreamUsage,
} from '@llm-meter/meter-core';
import { createUsageSettler, meterChatStreamIntoOutbox } from '@llm-meter/metering';
import { demoDefaults } from './demo-defaults.js';
import { parseStreamArguments } from './parse-stream-arguments.js';
import { streamClaudeAndGemini } from './stream-claude-and-gemini.js';

// Streams chat completions (include_usage on), printing text as it arrives, and meters each
// stream crash-safe into the outbox. `--abort-after N` stops the last stream early to show an
// aborted stream metered as an estimate; that stream is created with `store: true`, so its
// estimate settles to OpenAI's own usage (one correction event) before the app ends. Then the
// first prompt streams to Claude and to Gemini, and with `--abort-after N` the last one too,
// stopped after N chunks (upstream read on for the abort grace: see stream-claude-and-gemini.ts).
const defaultPrompts = [
  'Tell a short story about a lighthouse keeper who counts ships.',
  'Explain streaming responses and why their usage arrives last.',
  'Describe, step by step, how a usage meter turns events into an invoice.',
];

const usage = `usage: stream [--quiet] [--abort-after N [--settle-later] [--abort-grace-ms MS]] [prompt ...]

Streams chat completions (the prompts, or ${defaultPrompts.length} built-in ones), printing the text as it
arrives, then the first prompt to Claude (ANTHROPIC_MODEL) and to Gemini (GEMINI_MODEL), meters
each stream crash-safe into OpenMeter through the outbox (one event per response), prints the
usage and cost table OpenMeter answers, and ends with the reconciliation of the meters with
OpenAI's and Anthropic's own usage of the day (openai-local's on the embedded defaults; OpenAI's
with OPENAI_ADMIN_KEY, Anthropic's with ANTHROPIC_ADMIN_KEY; Gemini has no usage API).

  --quiet, -q        print only the usage lines, not the streamed text
  --abort-after N    stop the last stream after N content chunks: it is billed as an estimate,
                     then settled to the provider's own usage (the stream is created with
                     store: true so that its usage can be retrieved)
                     With it, the last prompt also streams to Claude and to Gemini, stopped
                     after N chunks: upstream is read on for the abort grace, so an answer
                     ending within it is billed with the provider's own usage; one still going
                     is billed as an estimate, which neither provider can settle (the
                     reconciliation shows it as known drift)
  --settle-later     leave that estimate to the next run to settle (it is journaled), so this
                     run's reconciliation shows the drift settlement closes
  --abort-grace-ms MS  how long upstream is read on after the app stopped reading an aborted
                     Claude or Gemini stream (default 200, as the proxy's)

Configuration: environment variables, or the .env file at the repository root (see the README).
A provider without its key or base URL (OPENAI_API_KEY / OPENAI_BASE_URL, ANTHROPIC_API_KEY /
ANTHROPIC_BASE_URL, GEMINI_API_KEY / GEMINI_BASE_URL) is answered by an embedded simulator;
without OPENMETER_URL an embedded OpenMeter-compatible server stores the events in .llm-meter/.`;

await runApp({
  app: 'stream',
  usage,
  defaults: demoDefaults,
  parseArguments: parseStreamArguments,
  reconcile: true,
  async main({ args: options, config, openai, anthropic, gemini, outbox, print }) {
    // A settlement is told when it lands; while a Claude or Gemini answer is being printed its
    // line waits for the end of that stream, so that it does not cut the streamed text.
    let held: string[] | undefined;
    const printSettled = (line: string) => (held ? held.push(line) : print(line));
    const settler = createUsageSettler({
      client: openai,
      outbox,
      dir: config.outboxDir,
      onSettled({ estimate, outcome, correction, reason }) {
        if (outcome === 'corrected' && correction) {
          const { data } = correction;
          printSettled(
            `settled ${estimate.id}: correction prompt=${data.prompt_tokens} completion=${data.completion_tokens} total=${data.total_tokens} (id=${correction.id})`,
          );
        } else if (outcome === 'exact')
          printSettled(`settled ${estimate.id}: the estimate was exact`);
        else printSettled(`not settled ${estimate.id}: ${reason} (it stays an estimate)`);
      },
    });
    const prompts = options.prompts.length > 0 ? options.prompts : defaultPrompts;
    for (const [index, prompt] of prompts.entries()) {
      const subject = config.subjects[index % config.subjects.length] as string;
      const model = config.openai.models[index % config.openai.models.length] as string;
      const request = { model, messages: [{ role: 'user' as const, content: prompt }] };
      const abortAfter = index === prompts.length - 1 ? options.abortAfter : undefined;
      const controller = new AbortController();
      const stream = await openai.chat.completions.create(
        withStreamUsage({
          ...request,
          stream: true as const,
          ...(abortAfter === undefined ? {} : { store: true }),
        }),
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
        onUsage: (usage, { responseId }) => {
          event = usage;
          if (abortAfter !== undefined)
            settler.track({ event: usage, responseId, later: options.settleLater });
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
      if (data.usage_source !== 'provider' && options.settleLater)
        print('  settlement left to the next run (--settle-later)');
      if (data.usage_source === 'provider')
        print(`  ${compareWithEstimate({ request, text, data })}`);
    }
    // One Claude and one Gemini stream of the first prompt, read to the end; with --abort-after,
    // the last prompt's too, stopped early like the last OpenAI stream.
    const write = (text: string) => {
      if (!options.quiet) process.stdout.write(text);
    };
    const others = [{ index: 0, abortAfter: undefined as number | undefined }];
    if (options.abortAfter !== undefined)
      others.push({ index: prompts.length - 1, abortAfter: options.abortAfter });
    for (const { index, abortAfter } of others) {
      if (!options.quiet) held = [];
      const streams = await streamClaudeAndGemini({
        anthropic,
        gemini,
        config,
        outbox,
        subject: config.subjects[index % config.subjects.length] as string,
        prompt: prompts[index] as string,
        abortAfter,
        abortGraceMs: options.abortGraceMs,
        write,
      }).finally(() => {
        const lines = held ?? [];
        held = undefined;
        for (const line of lines) print(line);
      });
      for (const { event } of streams) {
        const { data } = event;
        const source =
          data.usage_source === 'provider' ? 'provider' : `estimated: ${data.estimate_reason}`;
        print(
          `${event.subject}  ${data.model}  prompt=${data.prompt_tokens} cached=${data.cached_tokens ?? 0} cache_write=${data.cache_write_tokens} cache_write_1h=${data.cache_write_1h_tokens} completion=${data.completion_tokens} total=${data.total_tokens} (${source}, ${data.provider})  id=${event.id}`,
        );
        if (data.usage_source !== 'provider')
          print(
            `  not settled: ${data.provider === 'anthropic' ? 'Anthropic' : 'Gemini'} returns no past response's usage, so this estimate stays one`,
          );
      }
    }
    // Settle before the outbox drains, so the corrections go out with this run; what is still
    // pending at the deadline stays journaled and settles on the next run.
    const { pending } = await settler.drain({ deadlineMs: 30_000 });
    if (pending > 0) print(`${pending} estimate(s) not settled yet: the next run settles them`);
    settler.close();
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
