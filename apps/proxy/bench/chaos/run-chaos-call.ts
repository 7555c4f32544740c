import type OpenAI from 'openai';
import type { ChaosCall } from './compare-with-ledger.js';

/** The mix of calls issue 26's chaos run sent, each equally likely. */
export const chaosCallKinds = [
  'chat',
  'chat-stream-usage',
  'chat-stream',
  'chat-stream-abort',
  'responses',
  'responses-stream',
  'embeddings',
] as const;

/** One kind of call of the mix. */
export type ChaosCallKind = (typeof chaosCallKinds)[number];

/**
 * Sends one call of `kind` with the openai SDK and reports how it ended and the ids it learnt.
 * An aborting stream calls `stream.controller.abort()` inside its `for await` after `abortAfter`
 * content chunks, then reads on (the loop must end by itself) unless `breakAfterAbort`. A call
 * that has not settled after `hangMs` is reported as `hung` and left pending, never awaited.
 */
export async function runChaosCall({
  client,
  clientIndex,
  subject,
  kind,
  prompt,
  maxTokens,
  abortAfter,
  breakAfterAbort,
  hangMs,
}: {
  client: OpenAI;
  clientIndex: number;
  subject: string;
  kind: ChaosCallKind;
  prompt: string;
  maxTokens: number;
  abortAfter: number;
  breakAfterAbort: boolean;
  hangMs: number;
}): Promise<ChaosCall> {
  const call: ChaosCall = { client: clientIndex, kind, subject, outcome: 'failed' };
  let left = false;
  const messages = [{ role: 'user' as const, content: prompt }];
  const send = async () => {
    switch (kind) {
      case 'chat': {
        const { data, request_id } = await client.chat.completions
          .create({ model: 'gpt-4o-mini', messages, max_completion_tokens: maxTokens })
          .withResponse();
        call.requestId = request_id ?? undefined;
        call.responseId = data.id;
        return;
      }
      case 'chat-stream':
      case 'chat-stream-usage':
      case 'chat-stream-abort': {
        const { data: stream, request_id } = await client.chat.completions
          .create({
            model: 'gpt-4o-mini',
            messages,
            max_completion_tokens: maxTokens,
            stream: true,
            ...(kind === 'chat-stream-usage' ? { stream_options: { include_usage: true } } : {}),
          })
          .withResponse();
        call.requestId = request_id ?? undefined;
        let read = 0;
        for await (const chunk of stream) {
          call.responseId ??= chunk.id;
          if (kind !== 'chat-stream-abort' || left || !chunk.choices[0]?.delta?.content) continue;
          read += 1;
          if (read === abortAfter) {
            left = true;
            stream.controller.abort();
            if (breakAfterAbort) break;
          }
        }
        return;
      }
      case 'responses': {
        const { data, request_id } = await client.responses
          .create({ model: 'gpt-4.1-mini', input: prompt, max_output_tokens: maxTokens })
          .withResponse();
        call.requestId = request_id ?? undefined;
        call.responseId = data.id;
        return;
      }
      case 'responses-stream': {
        const { data: stream, request_id } = await client.responses
          .create({
            model: 'gpt-4.1-mini',
            input: prompt,
            max_output_tokens: maxTokens,
            stream: true,
          })
          .withResponse();
        call.requestId = request_id ?? undefined;
        for await (const event of stream)
          if (event.type === 'response.created') call.responseId = event.response.id;
        return;
      }
      case 'embeddings': {
        const { request_id } = await client.embeddings
          .create({ model: 'text-embedding-3-small', input: prompt })
          .withResponse();
        call.requestId = request_id ?? undefined;
        // Upstream bills an embedding under its request id.
        call.responseId = request_id ?? undefined;
        return;
      }
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => resolve('hung'), hangMs);
  });
  const settled = send().then(
    (): ChaosCall['outcome'] => (left ? 'left' : 'completed'),
    (error: unknown): ChaosCall['outcome'] => {
      if (left) return 'left';
      call.error =
        error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error);
      return 'failed';
    },
  );
  call.outcome = await Promise.race([settled, hung]);
  clearTimeout(timer);
  if (call.outcome === 'hung')
    call.error = left
      ? `still in its for await loop ${hangMs} ms after its controller.abort()`
      : `unsettled after ${hangMs} ms`;
  return call;
}
