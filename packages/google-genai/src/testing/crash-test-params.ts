/** The parameters of the crash test's call: one long answer. */
export const crashTestParams = {
  model: 'gemini-2.5-flash',
  contents: 'Tell me a long story about metering.',
  config: { maxOutputTokens: 2000 },
};
