import type { OpenMeterEvent } from '@llm-meter/openmeter-client';

/** The models the benches spread their usage events over. */
export const benchModels = ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'o3', 'o4-mini'];

/**
 * `size` usage events shaped as meter-core emits them (type openai, 100 subjects, the bench
 * models in turn), numbered from `first` (ids `<idPrefix>-<n>`, times 1 ms apart from `now`).
 */
export function createUsageBatch({
  size,
  first,
  idPrefix,
  source,
  now,
}: {
  size: number;
  first: number;
  idPrefix: string;
  source: string;
  now: number;
}): OpenMeterEvent[] {
  return Array.from({ length: size }, (_, offset) => {
    const index = first + offset;
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
}
