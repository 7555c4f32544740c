import type { IncomingMessage } from 'node:http';
import { HttpProblem } from './http-problem.js';

/**
 * Reads a request body up to `limitBytes`; a larger body (by `Content-Length` or as it streams)
 * is refused with 413 before it is buffered.
 * @see https://www.rfc-editor.org/rfc/rfc9110#status.413
 */
export async function readBody({
  request,
  limitBytes,
}: {
  request: IncomingMessage;
  limitBytes: number;
}): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  const tooLarge = () =>
    new HttpProblem(413, `The request body exceeds ${limitBytes} bytes: send smaller batches.`, {
      headers: { connection: 'close' },
    });
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Parses a JSON body, answering 400 with the parser's message when it is malformed.
 * @see https://www.rfc-editor.org/rfc/rfc8259
 */
export function parseJsonBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new HttpProblem(400, `The request body is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
