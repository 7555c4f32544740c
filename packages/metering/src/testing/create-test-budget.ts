import { type BudgetGate, createBudgetGate } from '@llm-meter/budget-gate';

/**
 * The budget of the SDK wrappers' budget tests: a gate whose balances are `rich` (1,000,000
 * tokens) and `broke` (10), read from the subject after `tag-`, and a `fetch` for the SDK client
 * that records every request it sends (a refused call sends none).
 */
export function createTestBudget({ tag }: { tag: string }): {
  budget: { gate: BudgetGate; feature: string };
  requests: string[];
  fetch: typeof fetch;
} {
  const balances: Record<string, number> = { rich: 1_000_000, broke: 10 };
  const requests: string[] = [];
  return {
    budget: {
      feature: 'tokens',
      gate: createBudgetGate({
        readValue: async ({ subject }) => ({
          hasAccess: true,
          balance: balances[subject.replace(`${tag}-`, '')] ?? 0,
        }),
      }),
    },
    requests,
    fetch: (url, init) => {
      requests.push(String(url));
      return fetch(url, init);
    },
  };
}
