// The public API of @llm-meter/ai-sdk: the Vercel AI SDK middlewares that meter any provider,
// and the scope that says who pays and the error of a call nobody pays for (from
// @llm-meter/metering, re-exported so one import does).

export {
  currentMeterScope,
  type MeterScope,
  MeterSubjectError,
  withMeterScope,
  withSubject,
} from '@llm-meter/metering';
export type {
  CallOptionsLike,
  GenerateResultLike,
  ModelLike,
  StreamPartLike,
  StreamResultLike,
} from './ai-sdk-types.js';
export {
  createMeterEmbeddingMiddleware,
  type EmbedCallOptionsLike,
  type EmbedResultLike,
  type MeterEmbeddingMiddleware,
} from './create-meter-embedding-middleware.js';
export { createMeterMiddleware, type MeterMiddleware } from './create-meter-middleware.js';
export type { MeterMiddlewareOptions } from './meter-middleware-options.js';
