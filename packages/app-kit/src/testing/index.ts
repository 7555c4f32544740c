export {
  type PrintedDriftRow,
  type PrintedReconciliation,
  parsePrintedReconciliation,
} from './parse-printed-reconciliation.js';
export { type PrintedUsageTableRow, parsePrintedUsageTable } from './parse-printed-usage-table.js';
export { readMeterTotals } from './read-meter-totals.js';
export {
  type AppProcessResult,
  cleanAppEnvironment,
  type PrintedUsage,
  parsePrintedUsage,
  startAppProcess,
} from './run-app-process.js';
export { seededUsage, seedUsageEvents } from './seed-usage-events.js';
