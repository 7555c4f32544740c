/** The demo's models and subjects, used when OPENAI_MODEL / LLM_METER_SUBJECTS are unset. */
export const demoDefaults = {
  models: ['gpt-4o-mini', 'gpt-4.1-mini'],
  subjects: ['customer-acme', 'customer-globex', 'customer-initech'],
} as const;
