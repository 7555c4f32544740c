// The scope of who pays, re-exported so that metering a service needs one import.
export { type MeterScope, withMeterScope, withSubject } from '@llm-meter/metering';
export {
  type MeteringStats,
  MeterSubjectError,
  readMeteringStats,
  subjectHeader,
} from '@llm-meter/metering/sdk';
export { type MeterableOpenAI, type MeterOpenAIOptions, meterOpenAI } from './meter-openai.js';
