import { type AppContext, createEventEnvelope } from '@llm-meter/app-kit';
import type { UsageEvent } from '@llm-meter/meter-core';
import {
  createAbortGrace,
  meterAnthropicStreamIntoOutbox,
  meterGeminiStreamIntoOutbox,
} from '@llm-meter/metering';
import { writingGuide } from './writing-guide.js';

/** The output limit of the Claude streams (Anthropic requires one). */
const maxOutputTokens = 1024;

/** One Claude or Gemini stream as the app printed it: the label and its one usage event. */
export interface ProviderStream {
  /** `claude` or `gemini`, and whether the caller stopped reading early. */
  label: string;
  event: UsageEvent;
}

/**
 * Streams `prompt` to Claude (`@anthropic-ai/sdk`, `ANTHROPIC_MODEL`, with a system prompt
 * cached for one hour) and to Gemini
 * (`@google/genai`, `GEMINI_MODEL`), printing the text as it arrives, and meters each stream
 * crash-safe into the outbox (meterAnthropicStreamIntoOutbox / meterGeminiStreamIntoOutbox):
 * exactly one event per response. With `abortAfter`, the app stops reading after that many text
 * chunks, but upstream is read on, unprinted, for `abortGraceMs` (metering's abort grace, as the
 * proxy and the client wrappers do): an answer that ends within it is billed with the provider's
 * own usage; one still going is aborted then and billed as an estimate, which no API can settle
 * later (neither provider returns a past response's usage).
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 */
export async function streamClaudeAndGemini({
  anthropic,
  gemini,
  config,
  outbox,
  subject,
  prompt,
  abortAfter,
  abortGraceMs,
  write,
}: Pick<AppContext<unknown>, 'anthropic' | 'gemini' | 'config' | 'outbox'> & {
  subject: string;
  prompt: string;
  /** Stop reading after this many text chunks; undefined: read to the end. */
  abortAfter: number | undefined;
  /** How long upstream is read on after the app stopped reading. */
  abortGraceMs: number;
  /** Writes streamed text (the app passes a no-op with `--quiet`). */
  write: (text: string) => void;
}): Promise<ProviderStream[]> {
  const options = createEventEnvelope({ config, subject, feature: 'stream-demo' });
  const suffix = abortAfter === undefined ? '' : ` (stops reading after ${abortAfter} chunks)`;
  const results: ProviderStream[] = [];

  const claudeRequest = {
    model: config.anthropic.models[0] as string,
    max_tokens: maxOutputTokens,
    // Cached for an hour: the first Claude stream of a run writes it (Anthropic's 1-hour cache
    // writes, billed at their own rate and metered apart), a later one within the hour reads it.
    system: [
      {
        type: 'text' as const,
        text: writingGuide,
        cache_control: { type: 'ephemeral' as const, ttl: '1h' as const },
      },
    ],
    messages: [{ role: 'user' as const, content: prompt }],
  };
  write(`\n[${subject} · ${claudeRequest.model}]${suffix} `);
  const claude = await readWithAbortGrace({
    abortAfter,
    abortGraceMs,
    write,
    open: (signal) =>
      anthropic.messages.create({ ...claudeRequest, stream: true as const }, { signal }),
    meter: ({ stream, signal, onUsage }) =>
      meterAnthropicStreamIntoOutbox({
        stream,
        request: claudeRequest,
        outbox,
        signal,
        options,
        onUsage,
      }),
    textOf: (event) =>
      event.type === 'content_block_delta' && event.delta.type === 'text_delta'
        ? event.delta.text
        : undefined,
  });
  if (claude) results.push({ label: 'claude', event: claude });

  const geminiModel = config.gemini.models[0] as string;
  const geminiRequest = { model: geminiModel, contents: prompt };
  write(`\n[${subject} · ${geminiModel}]${suffix} `);
  const answer = await readWithAbortGrace({
    abortAfter,
    abortGraceMs,
    write,
    open: (signal) =>
      gemini.models.generateContentStream({ ...geminiRequest, config: { abortSignal: signal } }),
    meter: ({ stream, signal, onUsage }) =>
      meterGeminiStreamIntoOutbox({
        stream,
        request: geminiRequest,
        requestedModel: geminiModel,
        outbox,
        signal,
        options,
        onUsage,
      }),
    // The visible text only (the SDK's `text` getter warns on thought parts).
    textOf: (chunk) =>
      chunk.candidates?.[0]?.content?.parts
        ?.filter((part) => part.thought !== true && typeof part.text === 'string')
        .map((part) => part.text)
        .join(''),
  });
  if (answer) results.push({ label: 'gemini', event: answer });
  write('\n');
  return results;
}

/**
 * Opens one stream and reads it through its meter: text chunks are written until `abortAfter`
 * of them were; after that the app has left, and upstream is read on (unwritten) until it ends or
 * the abort grace aborts it. Returns the stream's one usage event.
 */
async function readWithAbortGrace<Chunk>({
  abortAfter,
  abortGraceMs,
  write,
  open,
  meter,
  textOf,
}: {
  abortAfter: number | undefined;
  abortGraceMs: number;
  write: (text: string) => void;
  open: (signal: AbortSignal) => Promise<AsyncIterable<Chunk>>;
  meter: (input: {
    stream: AsyncIterable<Chunk>;
    signal: AbortSignal;
    onUsage: (event: UsageEvent) => void;
  }) => AsyncIterable<Chunk>;
  textOf: (chunk: Chunk) => string | undefined;
}): Promise<UsageEvent | undefined> {
  const caller = new AbortController();
  const grace = createAbortGrace({ callerSignal: caller.signal, graceMs: abortGraceMs });
  let event: UsageEvent | undefined;
  let textChunks = 0;
  try {
    const stream = await open(grace.signal);
    for await (const chunk of meter({
      stream,
      signal: grace.signal,
      onUsage: (usage) => {
        event = usage;
      },
    })) {
      if (caller.signal.aborted) continue;
      const text = textOf(chunk);
      if (!text) continue;
      write(text);
      textChunks += 1;
      if (abortAfter !== undefined && textChunks >= abortAfter) caller.abort();
    }
  } catch (error) {
    // Upstream aborted at the end of the grace: the meter has billed what was read.
    if (!grace.signal.aborted) throw error;
  } finally {
    grace.release();
  }
  return event;
}
