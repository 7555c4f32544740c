export { readMeterTotals } from './read-meter-totals.js';
export {
  type AppProcessResult,
  cleanAppEnvironment,
  type PrintedUsage,
  parsePrintedUsage,
  startAppProcess,
} from './run-app-process.js';
