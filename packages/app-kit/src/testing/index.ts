export {
  type AppProcessResult,
  cleanAppEnvironment,
  type PrintedUsage,
  parsePrintedUsage,
  startAppProcess,
} from './run-app-process.js';
