// Codes of a connection that was never made (Node's resolver and sockets, undici's connect
// timeout): the request did not leave, so the provider billed nothing for it.
const connectFailureCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

// How far down `cause` to look: the SDKs wrap the socket's error twice (openai's
// APIConnectionError → undici's `fetch failed` TypeError → the system error with its code), so 4
// levels reach it with one to spare, and a cause chain that loops still ends.
const causeDepth = 4;

/**
 * Whether an error, or an error in its `cause` chain, says the connection to the provider was
 * never made (refused, unresolved, unreachable, connect timeout): the request never left, so a
 * journaled estimate for it is dropped rather than billed.
 */
export function isConnectFailure(error: unknown): boolean {
  let cause = error;
  for (
    let depth = 0;
    depth < causeDepth && cause !== null && typeof cause === 'object';
    depth += 1
  ) {
    if (connectFailureCodes.has(String((cause as { code?: unknown }).code))) return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}
