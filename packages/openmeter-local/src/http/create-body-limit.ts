import type { MiddlewareHandler } from 'hono';
import { HttpProblem } from './http-problem.js';

/**
 * Middleware refusing a request body over `maxBytes` with a 413 problem: at once when
 * `Content-Length` says so, else while the body streams in, before more than `maxBytes` is
 * buffered. (Hono's own body-limit clones the request, which fails on @hono/node-server's
 * request objects when the globals are not overridden.)
 */
export function createBodyLimit(maxBytes: number): MiddlewareHandler {
  const tooLarge = () =>
    new HttpProblem(413, `The request body exceeds ${maxBytes} bytes: send smaller batches.`, {
      // The rest of the body may still be streaming in: do not keep reading it.
      headers: { connection: 'close' },
    });
  return async (context, next) => {
    const request = context.req.raw;
    if (!request.body) return next();
    const declared = request.headers.get('content-length');
    if (declared !== null && !request.headers.has('transfer-encoding')) {
      if (Number(declared) > maxBytes) throw tooLarge();
      return next();
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
    context.req.raw = new Request(request.url, {
      method: request.method,
      headers: request.headers,
      body: Buffer.concat(chunks),
    });
    return next();
  };
}
