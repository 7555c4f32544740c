/** The request of the crash test: one long answer. */
export const crashTestBody = {
  model: 'claude-haiku-4-5',
  max_tokens: 400,
  messages: [{ role: 'user' as const, content: 'Tell me a long story about metering.' }],
};
