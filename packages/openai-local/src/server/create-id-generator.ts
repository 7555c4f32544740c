import { createHash, randomBytes } from 'node:crypto';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Generates provider-style ids (`chatcmpl-…`, `resp_…`, `msg_…`, `call_…`, `req_…`, Anthropic's
 * `msg_01…` and `toolu_01…`, Gemini's `responseId`). Ids never
 * repeat: each mixes the seed, a random per-server nonce and a per-server counter, because
 * metering deduplicates on ids and a real server never reuses one.
 */
export type IdGenerator = (
  kind:
    | 'chatcmpl'
    | 'resp'
    | 'msg'
    | 'call'
    | 'fc'
    | 'rs'
    | 'req'
    | 'anthropic-message'
    | 'anthropic-tool-use'
    | 'gemini-response',
) => string;

// Anthropic's ids end in 22 base58 characters (`msg_01` + 22), as in its recorded answers.
const base58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

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
      case 'anthropic-message':
        return `msg_01${[...digest.subarray(0, 22)].map((byte) => base58[byte % 58]).join('')}`;
      case 'anthropic-tool-use':
        return `toolu_01${[...digest.subarray(0, 22)].map((byte) => base58[byte % 58]).join('')}`;
      case 'gemini-response':
        return [...digest.subarray(0, 23)].map((byte) => alphabet[byte % 62]).join('');
      case 'req':
        return `req_${digest.subarray(0, 16).toString('hex')}`;
      default:
        return `${kind}_${digest.subarray(0, 25).toString('hex')}`;
    }
  };
}
