import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import {
  type AppConfig,
  AppConfigError,
  type AppContext,
  refuseKonnectBudgets,
} from '@llm-meter/app-kit';
import {
  type BudgetGate,
  createBudgetGate,
  createMemoryReservationStore,
  createRedisReservationStore,
  type ReservationStore,
} from '@llm-meter/budget-gate';
import { createDemoBudgets, demoBudgets } from './create-demo-budgets.js';

/**
 * The budget gate of the blocking app, or undefined when calls are not gated. On the embedded
 * OpenMeter the demo budgets are set up and every call is gated; on a configured OpenMeter
 * only when `LLM_METER_BUDGET_FEATURE` names the feature of the customers' entitlements (the
 * app never creates anything there). Reservations live in Redis when `REDIS_URL` is set, else
 * in this process.
 */
export async function createBlockingGate({
  config,
  openmeter,
  env,
  announce,
}: {
  config: AppConfig;
  openmeter: AppContext<unknown>['openmeter'];
  env: NodeJS.ProcessEnv;
  announce: (line: string) => void;
}): Promise<BudgetGate | undefined> {
  const embedded = config.openmeter.url === undefined;
  const configuredFeature = env.LLM_METER_BUDGET_FEATURE?.trim() || undefined;
  refuseKonnectBudgets({ openmeterUrl: config.openmeter.url, budgetFeature: configuredFeature });
  if (!embedded && configuredFeature === undefined) return undefined;
  const feature = configuredFeature ?? demoBudgets.feature;

  const redisUrl = env.REDIS_URL?.trim() || undefined;
  let store: ReservationStore = createMemoryReservationStore();
  let where = 'reservations in this process';
  if (redisUrl !== undefined) {
    const host = safeHost(redisUrl);
    store = createRedisReservationStore({
      url: redisUrl,
      // The embedded OpenMeter's subjects are not a real deployment's: keep their ledgers apart.
      ...(embedded
        ? { keyPrefix: `llm-meter:budget:${digest(resolve(config.openmeter.localDbPath))}` }
        : {}),
    });
    try {
      await store.readValue({ key: 'probe' });
    } catch (error) {
      await store.close().catch(() => undefined);
      throw new AppConfigError(
        `could not reach Redis at ${host} (${(error as Error).message}): check REDIS_URL, or unset it to keep reservations in this process.`,
        { cause: error },
      );
    }
    where = `reservations in Redis at ${host} (REDIS_URL)`;
  }

  if (embedded) {
    const budgets = await createDemoBudgets({
      client: openmeter,
      subjects: config.subjects,
      feature,
    });
    const described = budgets
      .map(({ subject, tokens, created }) => `${subject} ${tokens}${created ? '' : ' (kept)'}`)
      .join(', ');
    announce(
      `budgets: each call is checked first against a day's tokens on the embedded OpenMeter (feature ${feature}): ${described}; ${where}`,
    );
  } else {
    announce(
      `budgets: each call is checked first against the subject's entitlement to ${feature} (LLM_METER_BUDGET_FEATURE); ${where}`,
    );
  }
  return createBudgetGate({ client: openmeter, feature, store });
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

// Never print a password the URL may carry.
function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch (error) {
    throw new AppConfigError(
      'REDIS_URL must be a URL such as redis://127.0.0.1:6379 (it is not printed, it may hold a password)',
      { cause: error },
    );
  }
}
