import type { IncomingMessage } from 'node:http';

/**
 * Reads a request body from Node's request stream, refusing it once it passes `maxBytes` (by its
 * declared length before reading, or as it arrives when sent chunked). Read straight from the
 * socket: Hono's `bodyLimit` builds a web `Request` and stream per request, which measured as
 * a large share of the proxy's own time per call.
 */
export function readRequestBody({
  incoming,
  maxBytes,
}: {
  incoming: IncomingMessage;
  maxBytes: number;
}): Promise<{ success: true; body: Buffer } | { success: false; error: 'too_large' }> {
  if (Number(incoming.headers['content-length']) > maxBytes)
    return Promise.resolve({ success: false, error: 'too_large' });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      incoming.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        // What is left is drained by the server once the 413 is answered.
        incoming.pause();
        resolve({ success: false, error: 'too_large' });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve({
        success: true,
        body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size),
      });
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onClose = () => {
      cleanup();
      reject(new Error('the client closed the connection before its request body ended'));
    };
    incoming.on('data', onData);
    incoming.once('end', onEnd);
    incoming.once('error', onError);
    incoming.once('close', onClose);
  });
}
