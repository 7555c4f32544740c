import type { AppContext } from '@llm-meter/app-kit';

type OpenMeterClient = AppContext<unknown>['openmeter'];

/**
 * The demo's budgets on the embedded OpenMeter: a feature over the token meter and a daily
 * metered entitlement per subject, small for the last subject (customer-initech by default) so
 * that it runs out within one run.
 */
export const demoBudgets = {
  feature: 'llm_tokens',
  meterSlug: 'llm_tokens_total',
  /** A day's tokens of the last subject: its first question fits, its second does not. */
  smallTokens: 2_000,
  /** A day's tokens of every other subject. */
  tokens: 1_000_000,
} as const;

/** One subject's budget, as set up (or found from an earlier run). */
export interface DemoBudget {
  subject: string;
  tokens: number;
  created: boolean;
}

/**
 * Creates the demo feature and, for each subject that has none yet, a metered entitlement to it
 * with a daily usage period (from midnight UTC) and a grant of its day's tokens that each reset
 * issues again (`issueAfterReset`). What earlier runs created is kept as it is. Only ever called
 * on the embedded openmeter-local: a user's OpenMeter is never changed.
 */
export async function createDemoBudgets({
  client,
  subjects,
  feature = demoBudgets.feature,
  now = () => new Date(),
}: {
  client: OpenMeterClient;
  subjects: readonly string[];
  feature?: string;
  now?: () => Date;
}): Promise<DemoBudget[]> {
  const existing = await client.raw.GET('/api/v1/features/{featureId}', {
    params: { path: { featureId: feature } },
  });
  if (existing.response.status === 404) {
    const created = await client.raw.POST('/api/v1/features', {
      body: { key: feature, name: 'LLM tokens', meterSlug: demoBudgets.meterSlug },
    });
    if (!created.response.ok) throw failure({ action: `create the feature ${feature}`, created });
  } else if (!existing.response.ok) {
    throw failure({ action: `read the feature ${feature}`, created: existing });
  }
  const midnight = new Date(now());
  midnight.setUTCHours(0, 0, 0, 0);
  const budgets: DemoBudget[] = [];
  for (const [index, subject] of subjects.entries()) {
    const tokens = index === subjects.length - 1 ? demoBudgets.smallTokens : demoBudgets.tokens;
    const created = await client.raw.POST('/api/v1/subjects/{subjectIdOrKey}/entitlements', {
      params: { path: { subjectIdOrKey: subject } },
      body: {
        type: 'metered',
        featureKey: feature,
        usagePeriod: { interval: 'DAY', anchor: midnight.toISOString() },
        measureUsageFrom: midnight.toISOString(),
        issueAfterReset: tokens,
        issueAfterResetPriority: 1,
        isSoftLimit: false,
        isUnlimited: false,
        preserveOverageAtReset: false,
      },
    });
    // 409: an earlier run gave this subject its entitlement; it keeps it.
    if (created.response.status === 409) budgets.push({ subject, tokens, created: false });
    else if (created.response.ok) budgets.push({ subject, tokens, created: true });
    else throw failure({ action: `create ${subject}'s entitlement to ${feature}`, created });
  }
  return budgets;
}

function failure({
  action,
  created,
}: {
  action: string;
  created: { response: Response; error?: unknown };
}): Error {
  return new Error(
    `could not ${action} on the embedded OpenMeter (${created.response.status}): ${JSON.stringify(created.error)}`,
    { cause: created.error },
  );
}
