/**
 * The `stream_options` type of a request type, without null and undefined (`{}` when it has none).
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-stream_options
 */
export type StreamOptionsOf<Request> = Request extends { stream_options?: infer Options }
  ? NonNullable<Options>
  : object;

/**
 * A request as returned by {@link withStreamUsage}: streaming, with the usage chunk requested.
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-stream_options
 */
export type WithStreamUsage<Request> = Omit<Request, 'stream' | 'stream_options'> & {
  stream: true;
  stream_options: StreamOptionsOf<Request> & { include_usage: true };
};

/**
 * Returns a copy of a chat completion request that streams and asks for the final usage chunk
 * (`stream_options.include_usage: true`), keeping any other stream options.
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-stream_options
 */
export function withStreamUsage<Request extends object>(
  request: Request,
): WithStreamUsage<Request> {
  const options = (request as { stream_options?: object | null }).stream_options;
  return {
    ...request,
    stream: true,
    stream_options: { ...(options ?? {}), include_usage: true },
  } as WithStreamUsage<Request>;
}
