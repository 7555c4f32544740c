import { isBlankText } from '../cloudevents/parse-cloud-event.js';
import { safeParseRfc3339 } from '../cloudevents/parse-rfc3339.js';
import { type UsageRecord, usageFieldNames } from '../usage/usage-record.js';
import {
  type DimensionValue,
  defaultUsageEventSource,
  defaultUsageEventType,
  type EstimateReason,
  type UsageEndpoint,
  type UsageEvent,
  type UsageEventData,
} from './usage-event.js';
import { UsageEventError } from './usage-event-error.js';

/**
 * Keys of usage and token-type event data that extra dimensions may not overwrite.
 */
export const reservedDataKeys: ReadonlySet<string> = new Set([
  'provider',
  'model',
  'requested_model',
  'service_tier',
  'traffic_type',
  'endpoint',
  'usage_source',
  'estimate_reason',
  'cached_tokens_unknown',
  'reasoning_tokens_unknown',
  'settles',
  // Provider-specific dimensions a provider's events carry (Anthropic's).
  'inference_geo',
  'advisor_model',
  ...usageFieldNames,
  'tokens',
  'type',
]);

const dimensionKeyPattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Options every usage event takes from the caller: whom to bill, the CloudEvents envelope, and
 * extra dimensions for `groupBy` (JSON scalars under identifier keys, never a reserved key).
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md
 */
export interface UsageEventEnvelopeOptions {
  /** Who is billed: OpenMeter's subject (customer, user, API key). Required, non-empty. */
  subject: string;
  /** CloudEvents `source`; defaults to `llm-meter`. */
  source?: string | undefined;
  /** CloudEvents `type`; defaults to `openai` (or `prompt` for token-type events). */
  type?: string | undefined;
  /** Extra data fields such as `feature` or `project`, copied into `data`. */
  dimensions?: Readonly<Record<string, DimensionValue>> | undefined;
  /**
   * Event id that overrides the provider's response id, for OpenAI-compatible servers whose ids
   * are not unique (Ollama draws `chatcmpl-` ids from 999 values, so OpenMeter's dedup would drop
   * real usage). Make it once per request (e.g. `crypto.randomUUID()`) and keep it with the
   * request, so that a replay of the same metering keeps the same id.
   */
  id?: string | undefined;
  /**
   * Who served the request, the `provider` data field and meter dimension; defaults to `openai`.
   * Set it for OpenAI-compatible servers (`azure`, `ollama`, ...), as OpenMeter's LLM cost
   * database names them.
   */
  provider?: string | undefined;
}

/**
 * Validates the caller's extra dimensions: identifier keys, JSON scalar values, finite numbers,
 * no reserved key. Throws {@link UsageEventError} naming `dimensions.<key>`.
 */
export function parseDimensions(
  dimensions: Readonly<Record<string, unknown>> | undefined,
): Record<string, DimensionValue> {
  if (dimensions === undefined) return {};
  if (typeof dimensions !== 'object' || dimensions === null || Array.isArray(dimensions)) {
    throw new UsageEventError({ field: 'options.dimensions', message: 'must be an object' });
  }
  const parsed: Record<string, DimensionValue> = {};
  for (const [key, value] of Object.entries(dimensions)) {
    const field = `options.dimensions.${key}`;
    if (!dimensionKeyPattern.test(key)) {
      throw new UsageEventError({ field, message: 'key must match /^[A-Za-z_][A-Za-z0-9_]*$/' });
    }
    if (reservedDataKeys.has(key)) {
      throw new UsageEventError({ field, message: 'is reserved for the event data' });
    }
    const isScalar =
      value === null ||
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value));
    if (!isScalar) {
      throw new UsageEventError({
        field,
        message: 'must be a string, finite number, boolean or null',
      });
    }
    parsed[key] = value as DimensionValue;
  }
  return parsed;
}

/**
 * Reads a non-empty string option or response field, throwing {@link UsageEventError} otherwise.
 */
export function parseNonEmptyString({ value, field }: { value: unknown; field: string }): string {
  if (typeof value !== 'string' || isBlankText(value)) {
    throw new UsageEventError({
      field,
      message:
        value === undefined || value === null
          ? 'is missing'
          : 'must be a non-empty string (not only whitespace)',
    });
  }
  return value;
}

/**
 * Converts a Unix timestamp in seconds (OpenAI's `created`, `created_at`) into an RFC 3339 string.
 */
export function convertUnixSeconds({ value, field }: { value: unknown; field: string }): string {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new UsageEventError({
      field,
      message:
        value === undefined || value === null
          ? 'is missing'
          : `must be a Unix timestamp in seconds, got ${JSON.stringify(value)}`,
    });
  }
  return new Date(value * 1000).toISOString();
}

/**
 * Converts a caller-supplied time (a `Date` or an RFC 3339 string) into an RFC 3339 string.
 */
export function convertTime({ value, field }: { value: unknown; field: string }): string {
  // Strings as OpenMeter reads them (RFC 3339), not whatever `Date` would parse.
  const date =
    value instanceof Date
      ? value
      : typeof value === 'string' && safeParseRfc3339(value).success
        ? new Date(value)
        : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) {
    throw new UsageEventError({
      field,
      message:
        value === undefined || value === null ? 'is missing' : 'must be a Date or RFC 3339 string',
    });
  }
  return date.toISOString();
}

/**
 * Builds a usage CloudEvent from already validated token counts, validating the envelope
 * (subject, source, type, id, model, provider, dimensions). `options.id` overrides the provider's
 * id. Internal: used by `toUsageEvent` and the stream meters.
 */
export function createUsageEvent({
  providerId,
  time,
  model,
  requestedModel,
  serviceTier,
  trafficType,
  endpoint,
  tokens,
  estimateReason,
  provider,
  reasoningHidden = false,
  options,
}: {
  /** The id the provider gave the response (or the fallback), checked here. */
  providerId: unknown;
  /** RFC 3339 time, already converted. */
  time: string;
  model: unknown;
  /** The request's `model`, when the request is known. */
  requestedModel?: unknown;
  /** The `service_tier` the provider reported, when it did (`auto` is left out). */
  serviceTier?: unknown;
  /** Vertex AI's `trafficType`, when reported. */
  trafficType?: unknown;
  endpoint: UsageEndpoint;
  tokens: UsageRecord;
  /** Set when the counts are estimates. */
  estimateReason?: EstimateReason | undefined;
  /** Who served it unless `options.provider` says otherwise: the provider adapter's id. */
  provider: string;
  /**
   * The model reasons in tokens no response shows (OpenAI's o-series): an estimate then flags
   * `reasoning_tokens_unknown`.
   */
  reasoningHidden?: boolean | undefined;
  options: UsageEventEnvelopeOptions;
}): UsageEvent {
  const dimensions = parseDimensions(options.dimensions);
  // Hidden reasoning never reaches a response without usage: say so instead of claiming 0.
  const reasoningUnknown = estimateReason !== undefined && reasoningHidden;
  const data: UsageEventData = {
    ...dimensions,
    provider: parseNonEmptyString({
      value: options.provider ?? provider,
      field: 'options.provider',
    }),
    model: parseNonEmptyString({ value: model, field: 'model' }),
    // Optional fields are left out rather than guessed: a wrong tier or model misprices.
    ...(typeof requestedModel === 'string' && requestedModel
      ? { requested_model: requestedModel }
      : {}),
    // `auto` is a request, not a tier: Responses echo it until the response completes.
    ...(typeof serviceTier === 'string' && serviceTier && serviceTier !== 'auto'
      ? { service_tier: serviceTier }
      : {}),
    ...(typeof trafficType === 'string' && trafficType ? { traffic_type: trafficType } : {}),
    endpoint,
    ...tokens,
    usage_source: estimateReason === undefined ? 'provider' : 'estimated',
    ...(estimateReason === undefined
      ? {}
      : { estimate_reason: estimateReason, cached_tokens_unknown: true }),
    ...(reasoningUnknown ? { reasoning_tokens_unknown: true } : {}),
  };
  return {
    specversion: '1.0',
    id:
      options.id === undefined
        ? parseNonEmptyString({ value: providerId, field: 'id' })
        : parseNonEmptyString({ value: options.id, field: 'options.id' }),
    source: parseNonEmptyString({
      value: options.source ?? defaultUsageEventSource,
      field: 'options.source',
    }),
    type: parseNonEmptyString({
      value: options.type ?? defaultUsageEventType,
      field: 'options.type',
    }),
    subject: parseNonEmptyString({ value: options?.subject, field: 'options.subject' }),
    time,
    datacontenttype: 'application/json',
    data,
  };
}
