import type { ReconcileDimensions, UsageRow } from './usage-key.js';

/** What the provider billed on one UTC day (and project, when the meters carry it), in USD. */
export interface ReportedCost {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  /** The provider's project, `(none)` when it reports none; ignored unless split by project. */
  projectId: string;
  usd: number;
}

/** The period a report covers, in Unix seconds (start inclusive, end exclusive), and its split. */
export interface UsageReportQuery {
  startTime: number;
  endTime: number;
  dimensions: ReconcileDimensions;
}

/**
 * A provider's own usage and cost reports, read for a reconciliation: one implementation per
 * provider under `src/providers/<id>/`, listed in `src/providers/registry.ts`.
 */
export interface UsageReportClient {
  /** The provider as the usage events' `provider` field names it, e.g. `openai`. */
  provider: string;
  /** The provider's name in messages, e.g. `OpenAI`. */
  name: string;
  /** The provider's usage, one row per day × model × served tier (× project × key). */
  fetchUsage(query: UsageReportQuery): Promise<UsageRow[]>;
  /** What the provider billed per day (and project). */
  fetchCosts(query: UsageReportQuery): Promise<ReportedCost[]>;
  /** What a reconciliation with these dimensions cannot tell, in plain words. */
  describeLimitations(dimensions: ReconcileDimensions): string[];
  /**
   * Whether metered estimates are settled to the provider's own usage (OpenAI returns a stored
   * response's usage). False where no API returns a past response's usage (Anthropic): an
   * estimate then stays one, and a row whose difference is no larger than its estimated tokens
   * is known drift, reported apart from drift. Default true.
   */
  settlesEstimates?: boolean | undefined;
}

/** A provider's entry in the registry: how the command builds its client from the environment. */
export interface UsageReportProvider {
  /** The provider as the usage events' `provider` field names it. */
  id: string;
  /** The provider's name in messages, e.g. `Anthropic`. */
  name: string;
  /** The client, or one line saying which environment variable to set. */
  createFromEnvironment(
    environment: Readonly<Record<string, string | undefined>>,
  ): { success: true; value: UsageReportClient } | { success: false; error: string };
  /** The environment the command reads for this provider, for `--help`. */
  environmentHelp: string;
}
