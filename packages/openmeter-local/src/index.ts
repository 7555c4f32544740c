export {
  createLogger,
  type LogLevel,
  type OpenMeterLocalLogger,
  silentLogger,
} from './create-logger.js';
export {
  DEFAULT_METERS_SPECIFIER,
  loadMetersFile,
  parseMetersYaml,
  resolveDefaultMetersFile,
} from './meters/load-meters-file.js';
export { type ParseMeterCreateResult, safeParseMeterCreate } from './meters/parse-meter-create.js';
export {
  DEFAULT_MAX_BODY_BYTES,
  type OpenMeterLocal,
  type StartOpenMeterLocalOptions,
  startOpenMeterLocal,
} from './start-open-meter-local.js';
