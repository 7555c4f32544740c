/** One framed event's JSON object, or undefined for anything else (`[DONE]`, a comment, junk). */
export function parseJsonChunk(data: string): Record<string, unknown> | undefined {
  try {
    const chunk: unknown = JSON.parse(data);
    return chunk && typeof chunk === 'object' && !Array.isArray(chunk)
      ? (chunk as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
