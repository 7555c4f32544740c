import { request } from 'undici';

/**
 * Catches the commonest misconfiguration before it turns every call into a 404: an
 * `OPENAI_BASE_URL` without the `/v1` that OpenAI-compatible servers serve their API under. A
 * base URL ending in `/v1` is not probed; any other is asked for `GET /models`, and a 404 there
 * is the message to stop with. An unreachable upstream is not refused here: the proxy answers
 * 502 per call until it is back.
 */
export async function checkUpstreamBaseUrl({
  baseUrl,
  apiKey,
}: {
  baseUrl: string;
  apiKey: string | undefined;
}): Promise<string | undefined> {
  const base = baseUrl.replace(/\/+$/, '');
  if (/\/v1$/.test(new URL(base).pathname)) return undefined;
  let status: number;
  try {
    const answer = await request(`${base}/models`, {
      // Without the server's key a placeholder: servers that take any key route the probe.
      headers: { authorization: `Bearer ${apiKey ?? 'llm-meter-proxy-probe'}` },
    });
    status = answer.statusCode;
    await answer.body.dump();
  } catch {
    return undefined;
  }
  if (status !== 404) return undefined;
  return `OPENAI_BASE_URL (${baseUrl}) answered 404 for GET /models: OpenAI-compatible servers serve the API under /v1, so every call would be a 404. Set OPENAI_BASE_URL=${base}/v1`;
}
