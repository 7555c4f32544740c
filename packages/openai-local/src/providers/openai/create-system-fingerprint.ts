import { createHash } from 'node:crypto';

/**
 * Returns a stable `system_fingerprint` (`fp_` + 10 hex digits) for a model snapshot.
 */
export function createSystemFingerprint(model: string): string {
  return `fp_${createHash('sha256').update(`openai-local:${model}`).digest('hex').slice(0, 10)}`;
}
