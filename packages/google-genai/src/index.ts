export * from '@llm-meter/metering/sdk/wrapper-exports';
export {
  type MeterableGoogleGenAI,
  type MeterGoogleGenAIOptions,
  meterGoogleGenAI,
} from './meter-google-genai.js';
