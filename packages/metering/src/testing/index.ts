// Helpers for this repository's tests (not built, not published): the outbox of a process about
// to die, what the next process delivers from its directory, and the servers the SDK wrappers'
// tests meter against.
export { deliverLeftovers, openDyingOutbox } from './journal-outbox.js';
export { runUntilKilled } from './run-until-killed.js';
export {
  type MeteredEvent,
  type MeteredServers,
  startMeteredServers,
} from './start-metered-servers.js';
