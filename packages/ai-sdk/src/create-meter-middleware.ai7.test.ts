import * as ai from 'ai7';
import { createAnthropic } from 'ai7-anthropic';
import { createGoogleGenerativeAI } from 'ai7-google';
import { createOpenAI } from 'ai7-openai';
import { APICallError } from 'ai7-provider';
import { describe, it } from 'vitest';
import { describeMiddlewareSuite } from './testing/describe-middleware-suite.js';

// `ai` 7 needs Node.js >= 22: CI runs this suite in its Node.js 24 pass.
const nodeMajor = Number(process.versions.node.split('.')[0]);

if (nodeMajor >= 22) {
  describeMiddlewareSuite({
    name: 'ai 7',
    specificationVersion: 'v4',
    ai,
    createOpenAI,
    createAnthropic,
    createGoogleGenerativeAI,
    APICallError,
  });
} else {
  describe('ai 7', () => {
    it.skip(`skipped: ai 7 needs Node.js >= 22, this is ${process.versions.node} (CI runs it on Node.js 24)`, () =>
      undefined);
  });
  console.info(
    `@llm-meter/ai-sdk: the ai 7 suite is skipped on Node.js ${process.versions.node} (ai 7 needs >= 22); CI runs it on Node.js 24`,
  );
}
