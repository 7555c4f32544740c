// `@llm-meter/meter-outbox/node`: helpers for a process that owns its outbox: draining it on
// SIGTERM/SIGINT (then exiting) and printing drain progress to stderr. Kept apart from the root
// export, which never exits a process or writes to a terminal on its own.
export { closeOnSignals } from './close-on-signals.js';
export { createProgressPrinter } from './create-progress-printer.js';
