const question =
  'Describe, step by step and at length, how a usage meter turns streamed events into an invoice.';

/** The requests of the crash test: one long answer per API. */
export const crashTestPrompt = {
  chat: {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system' as const, content: 'You answer billing questions precisely.' },
      { role: 'user' as const, content: question },
    ],
    max_completion_tokens: 400,
  },
  responses: {
    model: 'gpt-4.1-mini',
    instructions: 'You answer billing questions precisely.',
    input: question,
    max_output_tokens: 400,
  },
};
