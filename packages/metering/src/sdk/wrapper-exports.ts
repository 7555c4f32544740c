// What every SDK wrapper package (@llm-meter/openai, @llm-meter/anthropic, ...) exports besides
// its wrapper, so that metering a service needs one import: the scope of who pays, the per-call
// header, the error of a call nobody pays for, and the counters.
export { type MeterScope, withMeterScope, withSubject } from '../meter-scope.js';
export { MeterSubjectError } from '../meter-subject-error.js';
export { type MeteringStats, readMeteringStats } from './metering-stats.js';
export { subjectHeader } from './take-subject-header.js';
