export * from '@llm-meter/metering/sdk/wrapper-exports';
export {
  type MeterAnthropicOptions,
  type MeterableAnthropic,
  meterAnthropic,
} from './meter-anthropic.js';
