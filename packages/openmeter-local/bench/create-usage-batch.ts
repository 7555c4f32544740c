import type { OpenMeterEvent } from '@llm-meter/openmeter-client';

/** The models the benches spread their usage events over. */
export const benchModels = ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'o3', 'o4-mini'];

/**
 * A maker of batches of `size` usage events shaped as meter-core emits them (type openai, 100
 * subjects, the bench models in turn), numbered on from one batch to the next (ids
 * `<idPrefix>-<n>`, times 1 ms apart from the moment each batch is made).
 */
export function createUsageBatchMaker({
  size,
  idPrefix,
  source,
}: {
  size: number;
  idPrefix: string;
  source: string;
}): () => OpenMeterEvent[] {
  let next = 0;
  return () => {
    const now = Date.now();
    return Array.from({ length: size }, () => {
      const index = next++;
      return {
        specversion: '1.0',
        id: `${idPrefix}-${index}`,
        source,
        type: 'openai',
        subject: `customer-${index % 100}`,
        time: new Date(now + index).toISOString(),
        data: {
          model: benchModels[index % benchModels.length],
          endpoint: 'chat.completions',
          usage_source: 'response',
          prompt_tokens: 120,
          completion_tokens: 80,
          total_tokens: 200,
          cached_tokens: 0,
          reasoning_tokens: 0,
        },
      };
    });
  };
}
