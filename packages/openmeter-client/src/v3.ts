// OpenMeter's v3 API ("OpenMeter and Konnect Metering & Billing API"), beside the v1 client of
// the package root. Errors are the root's (`OpenMeterError`, ...), converted at the same boundary.
export type { components, operations, paths } from './generated/schema-v3.js';
export {
  createOpenMeterV3Client,
  type OpenMeterV3Client,
  type OpenMeterV3ClientOptions,
} from './v3/create-open-meter-v3-client.js';
export { convertMeterQueryToV3, createV3MeterReader } from './v3/create-v3-meter-reader.js';
export type {
  CreateCustomerRequest,
  CreateFeatureRequest,
  CreateLlmCostOverrideRequest,
  CreateMeterRequest,
  Customer,
  CustomerPage,
  Feature,
  FeatureCostQueryResult,
  FeatureCostQueryRow,
  FeatureLlmUnitCost,
  FeaturePage,
  FeatureUnitCost,
  IngestedEventPage,
  ListCustomersQuery,
  ListEventsQuery,
  ListFeaturesQuery,
  ListLlmCostOverridesQuery,
  ListLlmCostPricesQuery,
  ListMetersQuery,
  LlmCostModelPricing,
  LlmCostPrice,
  LlmCostPricePage,
  Meter,
  MeteringEvent,
  MeteringIngestedEvent,
  MeterPage,
  MeterQueryRequest,
  MeterQueryResult,
  MeterQueryRow,
  UpdateFeatureRequest,
  UpdateMeterRequest,
  UpsertCustomerRequest,
} from './v3/types.js';
