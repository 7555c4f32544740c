import { createHash, randomBytes } from 'node:crypto';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Generates OpenAI-style ids (`chatcmpl-…`, `resp_…`, `msg_…`, `call_…`, `req_…`). Ids never
 * repeat: each mixes the seed, a random per-server nonce and a per-server counter, because
 * metering deduplicates on ids and a real server never reuses one.
 */
export type IdGenerator = (
  kind: 'chatcmpl' | 'resp' | 'msg' | 'call' | 'fc' | 'rs' | 'req',
) => string;

/**
 * Creates an {@link IdGenerator} for one server instance.
 */
export function createIdGenerator({ seed }: { seed: number }): IdGenerator {
  const nonce = randomBytes(8).toString('hex');
  let counter = 0;
  return (kind) => {
    counter += 1;
    const digest = createHash('sha256').update(`${seed}:${nonce}:${counter}:${kind}`).digest();
    switch (kind) {
      case 'chatcmpl':
        return `chatcmpl-${[...digest.subarray(0, 29)].map((byte) => alphabet[byte % 62]).join('')}`;
      case 'call':
        return `call_${[...digest.subarray(0, 24)].map((byte) => alphabet[byte % 62]).join('')}`;
      case 'req':
        return `req_${digest.subarray(0, 16).toString('hex')}`;
      default:
        return `${kind}_${digest.subarray(0, 25).toString('hex')}`;
    }
  };
}
