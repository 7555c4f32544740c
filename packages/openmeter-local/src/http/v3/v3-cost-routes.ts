import type { RouteHandler } from '../reply.js';
import { handleV3QueryFeatureCost } from './handle-v3-feature-cost.js';
import {
  handleV3CreateFeature,
  handleV3DeleteFeature,
  handleV3GetFeature,
  handleV3ListFeatures,
  handleV3UpdateFeature,
} from './handle-v3-features.js';
import {
  handleV3CreateLlmCostOverride,
  handleV3DeleteLlmCostOverride,
  handleV3GetLlmCostPrice,
  handleV3ListLlmCostOverrides,
  handleV3ListLlmCostPrices,
} from './handle-v3-llm-cost.js';

/** The v3 routes of features, their cost query, LLM cost prices and overrides. */
export const v3CostRoutes: ReadonlyArray<{ path: string; methods: Record<string, RouteHandler> }> =
  [
    {
      path: '/api/v3/openmeter/features',
      methods: { GET: handleV3ListFeatures, POST: handleV3CreateFeature },
    },
    {
      path: '/api/v3/openmeter/features/:featureId',
      methods: {
        GET: handleV3GetFeature,
        PATCH: handleV3UpdateFeature,
        DELETE: handleV3DeleteFeature,
      },
    },
    {
      path: '/api/v3/openmeter/features/:featureId/cost/query',
      methods: { POST: handleV3QueryFeatureCost },
    },
    { path: '/api/v3/openmeter/llm-cost/prices', methods: { GET: handleV3ListLlmCostPrices } },
    {
      path: '/api/v3/openmeter/llm-cost/prices/:priceId',
      methods: { GET: handleV3GetLlmCostPrice },
    },
    {
      path: '/api/v3/openmeter/llm-cost/overrides',
      methods: { GET: handleV3ListLlmCostOverrides, POST: handleV3CreateLlmCostOverride },
    },
    {
      path: '/api/v3/openmeter/llm-cost/overrides/:priceId',
      methods: { DELETE: handleV3DeleteLlmCostOverride },
    },
  ];
