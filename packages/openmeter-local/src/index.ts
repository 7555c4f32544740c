export {
  createLogger,
  type LogLevel,
  type OpenMeterLocalLogger,
  silentLogger,
} from './create-logger.js';
export { createOpenMeterApp, type OpenMeterAppOptions } from './http/create-open-meter-app.js';
export {
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_REQUEST_LIMITS,
  type RequestLimits,
} from './http/request-limits.js';
export { loadMetersFile, parseMetersYaml } from './meters/load-meters-file.js';
export { type ParseMeterCreateResult, safeParseMeterCreate } from './meters/parse-meter-create.js';
export { OpenMeterLocalDatabaseError } from './open-meter-local-database-error.js';
export {
  createOpenMeterLocal,
  MAX_HEADER_BYTES,
  type OpenMeterLocal,
  type OpenMeterLocalApp,
  type OpenMeterLocalOptions,
  type StartOpenMeterLocalOptions,
  startOpenMeterLocal,
} from './start-open-meter-local.js';
