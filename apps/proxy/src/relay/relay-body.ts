import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';

/**
 * Answers the caller with upstream's status, headers and body bytes exactly as they arrive
 * (pass-through paths and refused requests): nothing is buffered, and a caller that leaves stops
 * the upstream body.
 */
export function relayBody({
  upstream,
  outgoing,
  status,
  headers,
  onEnd,
}: {
  upstream: Readable;
  outgoing: ServerResponse;
  status: number;
  headers: OutgoingHttpHeaders;
  /** Called once the body has been relayed, or either side broke off. */
  onEnd?: (() => void) | undefined;
}): void {
  outgoing.writeHead(status, headers);
  // Either side closing early ends both; there is nothing to meter on these answers.
  pipeline(upstream, outgoing, () => onEnd?.());
}

/** Answers the caller with a whole body read from upstream, its length set. */
export function sendBody({
  outgoing,
  status,
  headers,
  body,
}: {
  outgoing: ServerResponse;
  status: number;
  headers: OutgoingHttpHeaders;
  body: Uint8Array;
}): void {
  outgoing.writeHead(status, { ...headers, 'content-length': body.byteLength });
  outgoing.end(body);
}
