import { isKonnectUrl } from '@llm-meter/openmeter-client';
import { AppConfigError } from './app-config-error.js';

/**
 * Refuses budgets (`LLM_METER_BUDGET_FEATURE`) against Kong Konnect: the budget gate reserves
 * against a metered entitlement's balance, which only OpenMeter's v1 API serves, and Konnect
 * serves v3 only, whose entitlements answer a yes or no per feature
 * (`GET /openmeter/customers/{customerId}/entitlement-access`), no balance, and cannot be created.
 * @see https://github.com/openmeterio/openmeter/blob/main/api/v3/openapi.yaml
 */
export function refuseKonnectBudgets({
  openmeterUrl,
  budgetFeature,
}: {
  openmeterUrl: string | undefined;
  budgetFeature: string | undefined;
}): void {
  if (budgetFeature === undefined || openmeterUrl === undefined || !isKonnectUrl(openmeterUrl)) {
    return;
  }
  throw new AppConfigError(
    `budgets (LLM_METER_BUDGET_FEATURE=${budgetFeature}) need OpenMeter's v1 entitlements with a balance, and Kong Konnect at ${openmeterUrl} serves only the v3 API, whose entitlements give no balance: unset LLM_METER_BUDGET_FEATURE, or set OPENMETER_URL to a self-hosted OpenMeter or OpenMeter Cloud for budgets`,
  );
}
