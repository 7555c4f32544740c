// Helpers for this repository's tests (not built, not published): the outbox of a process about
// to die, what the next process delivers from its directory, and the servers the SDK wrappers'
// tests meter against.

export { createTestBudget } from './create-test-budget.js';
export {
  describeWrapperScenarios,
  type WrapperScenarioSdk,
} from './describe-wrapper-scenarios.js';
export { deliverLeftovers, openDyingOutbox } from './journal-outbox.js';
export {
  type BenchBaseline,
  type BenchTarget,
  createReplayFetch,
  runClientOverheadBench,
} from './run-client-overhead-bench.js';
export { runUntilKilled } from './run-until-killed.js';
export {
  type LedgerComparison,
  type MeteredEvent,
  type MeteredServers,
  startMeteredServers,
} from './start-metered-servers.js';
