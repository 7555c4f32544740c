/**
 * Returns a copy of a chat completion request that streams and asks for the final usage chunk
 * (`stream_options.include_usage: true`), keeping any other stream options.
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-stream_options
 */
export function withStreamUsage<Request extends { stream_options?: object | null | undefined }>(
  request: Request,
): Omit<Request, 'stream' | 'stream_options'> & {
  stream: true;
  stream_options: NonNullable<Request['stream_options']> & { include_usage: true };
} {
  return {
    ...request,
    stream: true,
    stream_options: { ...(request.stream_options ?? {}), include_usage: true },
  } as Omit<Request, 'stream' | 'stream_options'> & {
    stream: true;
    stream_options: NonNullable<Request['stream_options']> & { include_usage: true };
  };
}
