/**
 * POSTs a chat completion to the proxy at `url` as the tests' caller (key `sk-caller`), billed
 * to `subject`, with openai-local's fault header (`stall-after=16`, `delay-ms=...`) when given.
 */
export function postChatCompletion({
  url,
  subject,
  body,
  fault,
}: {
  url: string;
  subject: string;
  body: Record<string, unknown>;
  fault?: string | undefined;
}): Promise<Response> {
  return fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: 'Bearer sk-caller',
      'openmeter-subject': subject,
      ...(fault === undefined ? {} : { 'x-openai-local-fault': fault }),
    },
    body: JSON.stringify(body),
  });
}
