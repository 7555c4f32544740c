import { request } from 'node:http';

/** What a raw read of a server-sent events answer saw before the connection ended. */
export interface ReadEventStream {
  /** The `data:` payloads of the complete events received, JSON-decoded where they are JSON. */
  events: unknown[];
  /** True when the body ended normally; false when the connection was broken off mid-body. */
  complete: boolean;
}

/**
 * POSTs a streaming request with node:http and collects every complete event received until the
 * connection ends. Unlike a web ReadableStream (the SDKs' fetch), whose error drops the chunks
 * still queued, a flowing node:http response hands over each chunk as it is parsed, so a test of
 * a broken-off stream sees exactly what the server sent before the break, however busy the
 * machine.
 */
export function postEventStream({
  url,
  body,
  headers = {},
}: {
  url: string;
  body: unknown;
  headers?: Record<string, string>;
}): Promise<ReadEventStream> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer test',
        ...headers,
      },
    });
    outgoing.on('error', reject);
    outgoing.on('response', (incoming) => {
      if (incoming.statusCode !== 200) {
        reject(new Error(`expected 200 from ${url}, got ${incoming.statusCode}`));
        incoming.resume();
        return;
      }
      let text = '';
      incoming.setEncoding('utf8');
      incoming.on('data', (chunk: string) => {
        text += chunk;
      });
      // 'error' (aborted) comes before 'close' on a broken-off body; both settle once.
      incoming.on('error', () => {});
      incoming.on('close', () => {
        resolve({ events: parseEvents(text), complete: incoming.complete });
      });
    });
    outgoing.end(JSON.stringify(body));
  });
}

function parseEvents(text: string): unknown[] {
  const blocks = text.split('\n\n');
  // The last block is either empty (the text ended on a boundary) or an incomplete event.
  blocks.pop();
  const events: unknown[] = [];
  for (const block of blocks) {
    const data = block
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => line.slice('data: '.length))
      .join('\n');
    if (data === '') continue;
    try {
      events.push(JSON.parse(data));
    } catch {
      events.push(data);
    }
  }
  return events;
}
