import type { UsageRecord } from '@llm-meter/meter-core';

/**
 * Dimensions both sides of a reconciliation can be split by. `serviceTier` is `batch` for Batch
 * API usage, and `*` when the metered side does not carry the tier; `projectId` and `apiKeyId`
 * are `*` unless the meters carry them.
 */
export interface UsageKey {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  model: string;
  serviceTier: string;
  projectId: string;
  apiKeyId: string;
}

/**
 * The usage record's fields a reconciliation compares (one shipped meter each); cache writes,
 * and the 1-hour ones of them, when the meters have them and the provider reports them
 * (Anthropic).
 */
export type ReconciledTokens = Pick<
  UsageRecord,
  'prompt_tokens' | 'cached_tokens' | 'completion_tokens'
> &
  Partial<Pick<UsageRecord, 'cache_write_tokens' | 'cache_write_1h_tokens'>>;

/** Token counts (and, when known, requests) of one usage key. */
export interface UsageCounts extends ReconciledTokens {
  /** Requests; undefined when a side does not count them. */
  requests?: number | undefined;
}

/** One aggregated row of one side of a reconciliation. */
export interface UsageRow extends UsageKey, UsageCounts {}

/**
 * Metered usage also says how many of its tokens are estimates (`usage_source: estimated`) and
 * how much settlement corrected them (`usage_source: settled`, signed differences).
 */
export interface MeteredUsageRow extends UsageRow {
  estimatedInput: number;
  estimatedOutput: number;
  settledInput?: number | undefined;
  settledOutput?: number | undefined;
}

/** Which dimensions a reconciliation splits by (those the meters carry). */
export interface ReconcileDimensions {
  serviceTier: boolean;
  projectId: boolean;
  apiKeyId: boolean;
}

/** A stable string for a usage key, for joining the two sides. */
export function formatUsageKey(key: UsageKey): string {
  return [key.day, key.model, key.serviceTier, key.projectId, key.apiKeyId].join('\u0000');
}

/** The `YYYY-MM-DD` (UTC) day of a Unix time in seconds. */
export function unixSecondsToDay(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}
