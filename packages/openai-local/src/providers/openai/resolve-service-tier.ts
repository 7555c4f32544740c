import { createInvalidRequestError } from './openai-error.js';

/**
 * A processing tier OpenAI reports in `service_tier` of an answer: the tier that actually served
 * the request, which decides its price.
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-service_tier
 */
export type ServiceTier = 'default' | 'flex' | 'priority' | 'scale';

/**
 * The tiers a server option or a fault may serve instead of the requested one.
 */
export const serviceTiers: readonly ServiceTier[] = ['default', 'flex', 'priority', 'scale'];

/**
 * Tells whether a value names a tier that can serve a request.
 */
export function isServiceTier(value: unknown): value is ServiceTier {
  return typeof value === 'string' && (serviceTiers as readonly string[]).includes(value);
}

/**
 * Decides the tier that serves a request: the forced tier when the server or a fault says so,
 * else the requested one, with `auto` (and no request) served as `default`, as OpenAI does for a
 * project without Scale Tier. An unknown value answers OpenAI's 400 naming `service_tier`.
 */
export function resolveServiceTier({
  requested,
  forced,
}: {
  requested: unknown;
  forced: ServiceTier | undefined;
}): ServiceTier {
  if (
    requested !== undefined &&
    requested !== null &&
    requested !== 'auto' &&
    !isServiceTier(requested)
  ) {
    throw createInvalidRequestError({
      param: 'service_tier',
      message: `Invalid value for 'service_tier': ${JSON.stringify(requested)}. Supported values are: 'auto', 'default', 'flex', 'scale' and 'priority'.`,
      code: 'invalid_value',
    });
  }
  if (forced !== undefined) return forced;
  return requested === undefined || requested === null || requested === 'auto'
    ? 'default'
    : requested;
}
