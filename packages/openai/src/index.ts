// The scope of who pays, re-exported so that metering a service needs one import.
export { type MeterScope, withMeterScope, withSubject } from '@llm-meter/metering';
export { type MeterableOpenAI, meterOpenAI } from './meter-openai.js';
export type { MeterOpenAIOptions } from './meter-openai-options.js';
export { MeterSubjectError } from './meter-subject-error.js';
export { type MeteringStats, readMeteringStats } from './metering-stats.js';
export { subjectHeader } from './take-subject-header.js';
