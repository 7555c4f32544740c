export * from '@llm-meter/metering/sdk/wrapper-exports';
export { type MeterableOpenAI, type MeterOpenAIOptions, meterOpenAI } from './meter-openai.js';
