// Helpers for this repository's crash tests (not built, not published): the outbox of a process
// about to die, and what the next process delivers from its directory.
export { deliverLeftovers, openDyingOutbox } from './journal-outbox.js';
